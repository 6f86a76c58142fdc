import type { CatalogueOf } from './translate.js';

/**
 * The English catalogue: the reference every other language must match key for key (their type is
 * `Catalogue`, derived from this one, so a missing or extra key fails typecheck). `{name}` is a
 * placeholder; an object is a plural, chosen with Intl.PluralRules on `count`.
 */
export const en = {
  'language.label': 'Language',
  'language.submit': 'Change',

  'survey.title': 'How did we do?',
  'survey.rating': 'Your rating',
  'survey.stars': { one: '{count} star', other: '{count} stars' },
  'survey.comment': 'Anything to add?',
  'survey.optional': '(optional)',
  'survey.reason': {
    one: 'If you gave {count} star: what went wrong?',
    other: 'If you gave {count} stars or fewer: what went wrong?',
  },
  'survey.reasonNone': 'No particular reason',
  'survey.spamField': 'Website',
  'survey.noscript': 'The spam check needs JavaScript; please enable it to send your rating.',
  'survey.submit': 'Send rating',
  'survey.error.rating': 'Pick a rating from 1 to 5 stars.',
  'survey.error.comment': 'The comment can be at most {max} characters (it has {length}).',
  'survey.error.captcha': 'Solve the captcha, then send the form again.',
  'survey.error.invalid': 'Check the form and send it again.',
  'survey.thanksTitle': 'Thank you',
  'survey.thanksHeading': 'Thank you!',
  'survey.thanksRating': 'We received your rating of {rating}.',
  'survey.backToTicket': 'Back to your ticket {reference}',
  'survey.answeredTitle': 'Already answered',
  'survey.answeredHeading': 'You already answered this survey',
  'survey.answeredRating': 'Your rating:',
  'survey.expiredTitle': 'Survey expired',
  'survey.expiredHeading': 'This survey has expired',
  'survey.expiredText': 'Thank you for your interest; it can no longer be answered.',
  'survey.withdrawnTitle': 'Survey withdrawn',
  'survey.withdrawnHeading': 'This survey was withdrawn',
  'survey.withdrawnText':
    'This survey was withdrawn because your ticket was reopened — you will get a new one when it is resolved.',
  'survey.notFoundTitle': 'Not found',
  'survey.notFoundHeading': 'This link is not valid',
  'survey.notFoundText': 'Check that you copied the whole link from your email.',

  'form.title': 'Contact us',
  'form.heading': 'How can we help?',
  'form.intro': 'Write to us and we answer by email. You get a mail with a link to follow your request.',
  'form.name': 'Your name',
  'form.email': 'Your email address',
  'form.fixed': 'You are signed in: we answer to this address.',
  'form.subject': 'Subject',
  'form.message': 'Your message',
  'form.messageHint': '(Markdown, at most {max} characters)',
  'form.attachments': 'Attachments',
  'form.attachmentsHint': '(optional; at most {size} per file, {total} in all)',
  'form.noscript': 'The spam check needs JavaScript; please enable it to send this form.',
  'form.submit': 'Send request',
  'form.error.name': 'Enter your name.',
  'form.error.email': 'Enter a valid email address.',
  'form.error.subject': 'Give your request a subject (at most {max} characters).',
  'form.error.message': 'Write your message (at most {max} characters).',
  'form.error.captcha': 'Solve the captcha, then send the form again.',
  'form.error.invalid': 'Check the form and send it again.',
  'form.error.rateLimited': 'Too many requests were sent from here or for this address. Try again later.',
  'form.error.tooLarge': 'The attachments are too large: at most {size} per file, {total} in all.',
  'form.thanksTitle': 'Request sent',
  'form.thanksHeading': 'Thank you!',
  'form.thanksText':
    'We received your request. A mail with the link to it is on its way to you: follow the link, or answer the mail, to add to your request.',
  'form.thanksNoMail': 'We received your request and will answer you by email.',
  'form.thanksHome': 'Back to your tickets',
  'form.another': 'Send another request',
  'form.notFoundTitle': 'Not found',
  'form.notFoundHeading': 'This form does not exist',
  'form.notFoundText': 'Check the address you were given.',

  'mail.orOpen': 'Or open this link:',
  'mail.reply.intro': '{name} replied to your request {subject} ({reference}):',
  'mail.reply.ourTeam': 'Our team',
  'mail.reply.open': 'View the conversation and reply',
  'mail.reply.footer':
    'You get this mail because you asked us for help ({reference}). Keep the link private: it opens your request without signing in.',
  'mail.portal.intro':
    'Here is the link to your request {subject} ({reference}). It shows the conversation and lets you reply without signing in.',
  'mail.portal.open': 'Open your request',
  'mail.portal.footer':
    'You get this mail because our team sent you the link to your request {reference}. Keep it private: it opens your request without signing in.',
  'mail.ack.intro':
    'Thank you for writing to us. We have received your request and will answer as soon as we can.',
  'mail.ack.received':
    'Your request {subject} has the reference {reference}. You can follow it and add to it at any time:',
  'mail.ack.footer':
    'You get this mail because a request was opened with your address ({reference}). Keep the link private: it opens your request without signing in.',
  'mail.signIn.subject': 'Your sign-in link for {account}',
  'mail.signIn.hello': 'Hello {name},',
  'mail.signIn.intro':
    'Use this link to sign in to the {account} support portal. It works once and expires at {date}.',
  'mail.signIn.open': 'Sign in',
  'mail.signIn.ignore': 'If you did not ask to sign in, ignore this mail: nothing happens without the link.',
  'mail.signIn.footer': 'You get this mail because someone asked for a sign-in link with your address.',
  'mail.invitation.intro': 'How did we do? Rate your experience in one click.',
  'mail.invitation.resolved':
    'Your request {subject} ({reference}) was resolved. How satisfied are you with the help you got?',
  'mail.invitation.star': '{count} of 5 stars',
  'mail.invitation.oneClick':
    'One click opens the survey with your rating chosen; add a comment there if you like.',
  'mail.invitation.open': 'Open the survey',
  'mail.invitation.openText': 'Or open the survey:',
  'mail.invitation.until': 'The survey is open until {date}.',
  'mail.invitation.footer': 'You get this mail because we resolved your request {reference}.',
} as const;

export type MessageKey = keyof typeof en;
export type Catalogue = CatalogueOf<typeof en>;
