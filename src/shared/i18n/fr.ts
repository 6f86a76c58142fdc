import type { Catalogue } from './en.js';

export const fr: Catalogue = {
  'language.label': 'Langue',
  'language.submit': 'Changer',

  'survey.title': 'Comment avons-nous fait ?',
  'survey.rating': 'Votre note',
  'survey.stars': { one: '{count} étoile', other: '{count} étoiles' },
  'survey.comment': 'Quelque chose à ajouter ?',
  'survey.optional': '(facultatif)',
  'survey.reason': {
    one: 'Si vous avez donné {count} étoile : qu’est-ce qui n’a pas marché ?',
    other: 'Si vous avez donné {count} étoiles ou moins : qu’est-ce qui n’a pas marché ?',
  },
  'survey.reasonNone': 'Pas de raison particulière',
  'survey.spamField': 'Site web',
  'survey.noscript': 'La vérification anti-spam a besoin de JavaScript ; activez-le pour envoyer votre note.',
  'survey.submit': 'Envoyer la note',
  'survey.error.rating': 'Choisissez une note de 1 à 5 étoiles.',
  'survey.error.comment': 'Le commentaire peut compter au plus {max} caractères (il en a {length}).',
  'survey.error.captcha': 'Résolvez le captcha, puis renvoyez le formulaire.',
  'survey.error.invalid': 'Vérifiez le formulaire et renvoyez-le.',
  'survey.thanksTitle': 'Merci',
  'survey.thanksHeading': 'Merci !',
  'survey.thanksRating': 'Nous avons bien reçu votre note de {rating}.',
  'survey.backToTicket': 'Retour à votre demande {reference}',
  'survey.answeredTitle': 'Déjà répondu',
  'survey.answeredHeading': 'Vous avez déjà répondu à cette enquête',
  'survey.answeredRating': 'Votre note :',
  'survey.expiredTitle': 'Enquête expirée',
  'survey.expiredHeading': 'Cette enquête a expiré',
  'survey.expiredText': 'Merci de votre intérêt ; il n’est plus possible d’y répondre.',
  'survey.withdrawnTitle': 'Enquête retirée',
  'survey.withdrawnHeading': 'Cette enquête a été retirée',
  'survey.withdrawnText': 'La demande a été rouverte, cette enquête ne s’applique donc plus.',
  'survey.notFoundTitle': 'Introuvable',
  'survey.notFoundHeading': 'Ce lien n’est pas valide',
  'survey.notFoundText': 'Vérifiez que vous avez copié le lien entier de votre e-mail.',

  'form.title': 'Nous contacter',
  'form.heading': 'Comment pouvons-nous vous aider ?',
  'form.intro':
    'Écrivez-nous, nous répondons par e-mail. Vous recevez un e-mail avec un lien pour suivre votre demande.',
  'form.name': 'Votre nom',
  'form.email': 'Votre adresse e-mail',
  'form.fixed': 'Vous êtes connecté : nous répondons à cette adresse.',
  'form.subject': 'Objet',
  'form.message': 'Votre message',
  'form.messageHint': '(Markdown, {max} caractères au maximum)',
  'form.attachments': 'Pièces jointes',
  'form.attachmentsHint': '(facultatif ; {size} au maximum par fichier, {total} en tout)',
  'form.noscript':
    'La vérification anti-spam a besoin de JavaScript ; activez-le pour envoyer ce formulaire.',
  'form.submit': 'Envoyer la demande',
  'form.error.name': 'Indiquez votre nom.',
  'form.error.email': 'Indiquez une adresse e-mail valide.',
  'form.error.subject': 'Donnez un objet à votre demande ({max} caractères au maximum).',
  'form.error.message': 'Écrivez votre message ({max} caractères au maximum).',
  'form.error.captcha': 'Résolvez le captcha, puis renvoyez le formulaire.',
  'form.error.invalid': 'Vérifiez le formulaire et renvoyez-le.',
  'form.error.rateLimited':
    'Trop de demandes ont été envoyées d’ici ou pour cette adresse. Réessayez plus tard.',
  'form.error.tooLarge':
    'Les pièces jointes sont trop volumineuses : {size} au maximum par fichier, {total} en tout.',
  'form.thanksTitle': 'Demande envoyée',
  'form.thanksHeading': 'Merci !',
  'form.thanksText':
    'Nous avons reçu votre demande. Un e-mail avec son lien est en route vers vous : suivez le lien, ou répondez à l’e-mail, pour compléter votre demande.',
  'form.thanksNoMail': 'Nous avons reçu votre demande et vous répondrons par e-mail.',
  'form.thanksHome': 'Retour à vos tickets',
  'form.another': 'Envoyer une autre demande',
  'form.notFoundTitle': 'Introuvable',
  'form.notFoundHeading': 'Ce formulaire n’existe pas',
  'form.notFoundText': 'Vérifiez l’adresse qui vous a été donnée.',

  'mail.orOpen': 'Ou ouvrez ce lien :',
  'mail.reply.intro': '{name} a répondu à votre demande {subject} ({reference}) :',
  'mail.reply.ourTeam': 'Notre équipe',
  'mail.reply.open': 'Voir la conversation et répondre',
  'mail.reply.footer':
    'Vous recevez cet e-mail car vous nous avez demandé de l’aide ({reference}). Gardez le lien pour vous : il ouvre votre demande sans connexion.',
  'mail.portal.intro':
    'Voici le lien vers votre demande {subject} ({reference}). Il affiche la conversation et vous permet de répondre sans vous connecter.',
  'mail.portal.open': 'Ouvrir votre demande',
  'mail.portal.footer':
    'Vous recevez cet e-mail car notre équipe vous a envoyé le lien de votre demande {reference}. Gardez-le pour vous : il ouvre votre demande sans connexion.',
  'mail.ack.intro':
    'Merci de nous avoir écrit. Nous avons bien reçu votre demande et vous répondrons dès que possible.',
  'mail.ack.received':
    'Votre demande {subject} porte la référence {reference}. Vous pouvez la suivre et la compléter à tout moment :',
  'mail.ack.footer':
    'Vous recevez cet e-mail car une demande a été ouverte avec votre adresse ({reference}). Gardez le lien pour vous : il ouvre votre demande sans connexion.',
  'mail.signIn.subject': 'Votre lien de connexion pour {account}',
  'mail.signIn.hello': 'Bonjour {name},',
  'mail.signIn.intro':
    'Utilisez ce lien pour vous connecter au portail d’assistance de {account}. Il ne sert qu’une fois et expire le {date}.',
  'mail.signIn.open': 'Se connecter',
  'mail.signIn.ignore':
    'Si vous n’avez pas demandé à vous connecter, ignorez cet e-mail : rien ne se passe sans le lien.',
  'mail.signIn.footer':
    'Vous recevez cet e-mail car quelqu’un a demandé un lien de connexion avec votre adresse.',
  'mail.invitation.intro': 'Comment avons-nous fait ? Donnez votre avis en un clic.',
  'mail.invitation.resolved':
    'Votre demande {subject} ({reference}) a été résolue. Êtes-vous satisfait de l’aide reçue ?',
  'mail.invitation.star': '{count} étoiles sur 5',
  'mail.invitation.oneClick':
    'Un clic ouvre l’enquête avec votre note déjà choisie ; vous pourrez y ajouter un commentaire.',
  'mail.invitation.open': 'Ouvrir l’enquête',
  'mail.invitation.openText': 'Ou ouvrez l’enquête :',
  'mail.invitation.until': 'L’enquête reste ouverte jusqu’au {date}.',
  'mail.invitation.footer': 'Vous recevez cet e-mail car nous avons résolu votre demande {reference}.',
};
