import type { Catalogue } from './en.js';

export const de: Catalogue = {
  'language.label': 'Sprache',
  'language.submit': 'Wechseln',

  'survey.title': 'Wie waren wir?',
  'survey.rating': 'Ihre Bewertung',
  'survey.stars': { one: '{count} Stern', other: '{count} Sterne' },
  'survey.comment': 'Möchten Sie etwas ergänzen?',
  'survey.optional': '(freiwillig)',
  'survey.reason': {
    one: 'Falls Sie {count} Stern vergeben haben: Was lief schief?',
    other: 'Falls Sie {count} Sterne oder weniger vergeben haben: Was lief schief?',
  },
  'survey.reasonNone': 'Kein bestimmter Grund',
  'survey.spamField': 'Webseite',
  'survey.noscript':
    'Die Spam-Prüfung braucht JavaScript; bitte aktivieren Sie es, um Ihre Bewertung zu senden.',
  'survey.submit': 'Bewertung senden',
  'survey.error.rating': 'Wählen Sie eine Bewertung von 1 bis 5 Sternen.',
  'survey.error.comment': 'Der Kommentar darf höchstens {max} Zeichen lang sein (er hat {length}).',
  'survey.error.captcha': 'Lösen Sie das Captcha und senden Sie das Formular erneut.',
  'survey.error.invalid': 'Prüfen Sie das Formular und senden Sie es erneut.',
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

  'form.title': 'Kontakt',
  'form.heading': 'Wie können wir helfen?',
  'form.intro':
    'Schreiben Sie uns, wir antworten per E-Mail. Sie erhalten eine Mail mit einem Link, über den Sie Ihre Anfrage verfolgen.',
  'form.name': 'Ihr Name',
  'form.email': 'Ihre E-Mail-Adresse',
  'form.fixed': 'Sie sind angemeldet: Wir antworten an diese Adresse.',
  'form.subject': 'Betreff',
  'form.message': 'Ihre Nachricht',
  'form.messageHint': '(Markdown, höchstens {max} Zeichen)',
  'form.attachments': 'Anhänge',
  'form.attachmentsHint': '(freiwillig; höchstens {size} pro Datei, {total} insgesamt)',
  'form.noscript':
    'Die Spam-Prüfung braucht JavaScript; bitte aktivieren Sie es, um dieses Formular zu senden.',
  'form.submit': 'Anfrage senden',
  'form.error.name': 'Geben Sie Ihren Namen ein.',
  'form.error.email': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  'form.error.subject': 'Geben Sie Ihrer Anfrage einen Betreff (höchstens {max} Zeichen).',
  'form.error.message': 'Schreiben Sie Ihre Nachricht (höchstens {max} Zeichen).',
  'form.error.captcha': 'Lösen Sie das Captcha und senden Sie das Formular erneut.',
  'form.error.invalid': 'Prüfen Sie das Formular und senden Sie es erneut.',
  'form.error.rateLimited':
    'Von hier oder für diese Adresse kamen zu viele Anfragen. Versuchen Sie es später noch einmal.',
  'form.error.tooLarge': 'Die Anhänge sind zu groß: höchstens {size} pro Datei, {total} insgesamt.',
  'form.thanksTitle': 'Anfrage gesendet',
  'form.thanksHeading': 'Vielen Dank!',
  'form.thanksText':
    'Wir haben Ihre Anfrage erhalten. Eine Mail mit dem Link dazu ist unterwegs zu Ihnen: Folgen Sie dem Link oder antworten Sie auf die Mail, um Ihre Anfrage zu ergänzen.',
  'form.thanksNoMail': 'Wir haben Ihre Anfrage erhalten und antworten Ihnen per E-Mail.',
  'form.thanksHome': 'Zurück zu Ihren Tickets',
  'form.another': 'Weitere Anfrage senden',
  'form.notFoundTitle': 'Nicht gefunden',
  'form.notFoundHeading': 'Dieses Formular gibt es nicht',
  'form.notFoundText': 'Prüfen Sie die Adresse, die Sie erhalten haben.',

  'mail.orOpen': 'Oder öffnen Sie diesen Link:',
  'mail.reply.intro': '{name} hat auf Ihre Anfrage {subject} ({reference}) geantwortet:',
  'mail.reply.ourTeam': 'Unser Team',
  'mail.reply.open': 'Unterhaltung ansehen und antworten',
  'mail.reply.footer':
    'Sie erhalten diese E-Mail, weil Sie uns um Hilfe gebeten haben ({reference}). Geben Sie den Link nicht weiter: Er öffnet Ihre Anfrage ohne Anmeldung.',
  'mail.portal.intro':
    'Hier ist der Link zu Ihrer Anfrage {subject} ({reference}). Er zeigt die Unterhaltung, und Sie können ohne Anmeldung antworten.',
  'mail.portal.open': 'Anfrage öffnen',
  'mail.portal.footer':
    'Sie erhalten diese E-Mail, weil unser Team Ihnen den Link zu Ihrer Anfrage {reference} geschickt hat. Geben Sie ihn nicht weiter: Er öffnet Ihre Anfrage ohne Anmeldung.',
  'mail.ack.intro':
    'Vielen Dank für Ihre Nachricht. Wir haben Ihre Anfrage erhalten und antworten so bald wie möglich.',
  'mail.ack.received':
    'Ihre Anfrage {subject} hat die Nummer {reference}. Sie können sie jederzeit verfolgen und ergänzen:',
  'mail.ack.footer':
    'Sie erhalten diese E-Mail, weil mit Ihrer Adresse eine Anfrage eröffnet wurde ({reference}). Geben Sie den Link nicht weiter: Er öffnet Ihre Anfrage ohne Anmeldung.',
  'mail.signIn.subject': 'Ihr Anmeldelink für {account}',
  'mail.signIn.hello': 'Hallo {name},',
  'mail.signIn.intro':
    'Mit diesem Link melden Sie sich im Support-Portal von {account} an. Er funktioniert einmal und läuft am {date} ab.',
  'mail.signIn.open': 'Anmelden',
  'mail.signIn.ignore':
    'Wenn Sie keine Anmeldung angefordert haben, ignorieren Sie diese E-Mail: Ohne den Link passiert nichts.',
  'mail.signIn.footer':
    'Sie erhalten diese E-Mail, weil jemand einen Anmeldelink für Ihre Adresse angefordert hat.',
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
