import type { Catalogue } from './en.js';

export const de: Catalogue = {
  'language.label': 'Sprache',
  'language.submit': 'Wechseln',

  'survey.title': 'Wie waren wir?',
  'survey.rating': 'Ihre Bewertung',
  'survey.stars': { one: '{count} Stern', other: '{count} Sterne' },
  'survey.comment': 'Möchten Sie etwas ergänzen?',
  'survey.optional': '(freiwillig)',
  'survey.spamField': 'Webseite',
  'survey.noscript':
    'Die Spam-Prüfung braucht JavaScript; bitte aktivieren Sie es, um Ihre Bewertung zu senden.',
  'survey.submit': 'Bewertung senden',
  'survey.thanksTitle': 'Vielen Dank',
  'survey.thanksHeading': 'Vielen Dank!',
  'survey.thanksRating': 'Wir haben Ihre Bewertung mit {rating} erhalten.',
  'survey.backToTicket': 'Zurück zu Ihrem Ticket {reference}',
  'survey.answeredTitle': 'Bereits beantwortet',
  'survey.answeredHeading': 'Sie haben diese Umfrage bereits beantwortet',
  'survey.answeredRating': 'Ihre Bewertung:',
  'survey.expiredTitle': 'Umfrage abgelaufen',
  'survey.expiredHeading': 'Diese Umfrage ist abgelaufen',
  'survey.expiredText': 'Danke für Ihr Interesse; sie kann nicht mehr beantwortet werden.',
  'survey.withdrawnTitle': 'Umfrage zurückgezogen',
  'survey.withdrawnHeading': 'Diese Umfrage wurde zurückgezogen',
  'survey.withdrawnText': 'Das Ticket wurde wieder geöffnet, daher gilt diese Umfrage nicht mehr.',
  'survey.notFoundTitle': 'Nicht gefunden',
  'survey.notFoundHeading': 'Dieser Link ist ungültig',
  'survey.notFoundText': 'Prüfen Sie, ob Sie den ganzen Link aus Ihrer E-Mail kopiert haben.',

  'mail.orOpen': 'Oder öffnen Sie diesen Link:',
  'mail.invitation.intro': 'Wie waren wir? Bewerten Sie uns mit einem Klick.',
  'mail.invitation.resolved':
    'Ihre Anfrage {subject} ({reference}) wurde gelöst. Wie zufrieden sind Sie mit der Hilfe, die Sie bekommen haben?',
  'mail.invitation.star': '{count} von 5 Sternen',
  'mail.invitation.oneClick':
    'Ein Klick öffnet die Umfrage mit Ihrer gewählten Bewertung; dort können Sie gern einen Kommentar ergänzen.',
  'mail.invitation.open': 'Zur Umfrage',
  'mail.invitation.openText': 'Oder öffnen Sie die Umfrage:',
  'mail.invitation.until': 'Die Umfrage ist bis {date} geöffnet.',
  'mail.invitation.footer': 'Sie erhalten diese E-Mail, weil wir Ihre Anfrage {reference} gelöst haben.',
};
