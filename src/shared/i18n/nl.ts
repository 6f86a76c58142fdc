import type { Catalogue } from './en.js';

export const nl: Catalogue = {
  'language.label': 'Taal',
  'language.submit': 'Wijzigen',

  'survey.title': 'Hoe hebben we het gedaan?',
  'survey.rating': 'Uw beoordeling',
  'survey.stars': { one: '{count} ster', other: '{count} sterren' },
  'survey.comment': 'Wilt u nog iets toevoegen?',
  'survey.optional': '(optioneel)',
  'survey.spamField': 'Webadres',
  'survey.noscript': 'De spamcontrole heeft JavaScript nodig; zet het aan om uw beoordeling te versturen.',
  'survey.submit': 'Beoordeling versturen',
  'survey.error.rating': 'Kies een beoordeling van 1 tot 5 sterren.',
  'survey.error.comment': 'De opmerking mag hoogstens {max} tekens lang zijn (hij heeft er {length}).',
  'survey.error.captcha': 'Los de captcha op en verstuur het formulier opnieuw.',
  'survey.error.invalid': 'Controleer het formulier en verstuur het opnieuw.',
  'survey.thanksTitle': 'Bedankt',
  'survey.thanksHeading': 'Bedankt!',
  'survey.thanksRating': 'We hebben uw beoordeling van {rating} ontvangen.',
  'survey.backToTicket': 'Terug naar uw ticket {reference}',
  'survey.answeredTitle': 'Al beantwoord',
  'survey.answeredHeading': 'U hebt deze enquête al beantwoord',
  'survey.answeredRating': 'Uw beoordeling:',
  'survey.expiredTitle': 'Enquête verlopen',
  'survey.expiredHeading': 'Deze enquête is verlopen',
  'survey.expiredText': 'Bedankt voor uw interesse; hij kan niet meer beantwoord worden.',
  'survey.withdrawnTitle': 'Enquête ingetrokken',
  'survey.withdrawnHeading': 'Deze enquête is ingetrokken',
  'survey.withdrawnText': 'Het ticket is heropend, dus deze enquête geldt niet meer.',
  'survey.notFoundTitle': 'Niet gevonden',
  'survey.notFoundHeading': 'Deze link is niet geldig',
  'survey.notFoundText': 'Controleer of u de hele link uit uw e-mail hebt gekopieerd.',

  'mail.orOpen': 'Of open deze link:',
  'mail.reply.intro': '{name} heeft gereageerd op uw verzoek {subject} ({reference}):',
  'mail.reply.ourTeam': 'Ons team',
  'mail.reply.open': 'Gesprek bekijken en reageren',
  'mail.reply.footer':
    'U krijgt deze e-mail omdat u ons om hulp vroeg ({reference}). Deel de link niet: hij opent uw verzoek zonder aanmelden.',
  'mail.portal.intro':
    'Hier is de link naar uw verzoek {subject} ({reference}). Hij toont het gesprek en u kunt reageren zonder aan te melden.',
  'mail.portal.open': 'Uw verzoek openen',
  'mail.portal.footer':
    'U krijgt deze e-mail omdat ons team u de link naar uw verzoek {reference} stuurde. Deel hem niet: hij opent uw verzoek zonder aanmelden.',
  'mail.signIn.subject': 'Uw aanmeldlink voor {account}',
  'mail.signIn.hello': 'Hallo {name},',
  'mail.signIn.intro':
    'Met deze link meldt u zich aan bij het supportportaal van {account}. Hij werkt één keer en verloopt op {date}.',
  'mail.signIn.open': 'Aanmelden',
  'mail.signIn.ignore':
    'Hebt u niet gevraagd om aan te melden? Negeer deze e-mail: zonder de link gebeurt er niets.',
  'mail.signIn.footer': 'U krijgt deze e-mail omdat iemand een aanmeldlink voor uw adres heeft aangevraagd.',
  'mail.invitation.intro': 'Hoe hebben we het gedaan? Beoordeel uw ervaring met één klik.',
  'mail.invitation.resolved':
    'Uw verzoek {subject} ({reference}) is opgelost. Hoe tevreden bent u met de hulp die u kreeg?',
  'mail.invitation.star': '{count} van 5 sterren',
  'mail.invitation.oneClick':
    'Eén klik opent de enquête met uw gekozen beoordeling; daar kunt u eventueel een opmerking toevoegen.',
  'mail.invitation.open': 'Enquête openen',
  'mail.invitation.openText': 'Of open de enquête:',
  'mail.invitation.until': 'De enquête is open tot {date}.',
  'mail.invitation.footer': 'U krijgt deze e-mail omdat we uw verzoek {reference} hebben opgelost.',
};
