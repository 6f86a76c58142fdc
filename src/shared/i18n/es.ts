import type { Catalogue } from './en.js';

export const es: Catalogue = {
  'language.label': 'Idioma',
  'language.submit': 'Cambiar',

  'survey.title': '¿Qué tal lo hicimos?',
  'survey.rating': 'Su valoración',
  'survey.stars': { one: '{count} estrella', other: '{count} estrellas' },
  'survey.comment': '¿Algo que añadir?',
  'survey.optional': '(opcional)',
  'survey.spamField': 'Sitio web',
  'survey.noscript': 'La comprobación antispam necesita JavaScript; actívelo para enviar su valoración.',
  'survey.submit': 'Enviar valoración',
  'survey.error.rating': 'Elija una valoración de 1 a 5 estrellas.',
  'survey.error.comment': 'El comentario puede tener como máximo {max} caracteres (tiene {length}).',
  'survey.error.captcha': 'Resuelva el captcha y vuelva a enviar el formulario.',
  'survey.error.invalid': 'Revise el formulario y vuelva a enviarlo.',
  'survey.thanksTitle': 'Gracias',
  'survey.thanksHeading': '¡Gracias!',
  'survey.thanksRating': 'Hemos recibido su valoración de {rating}.',
  'survey.backToTicket': 'Volver a su solicitud {reference}',
  'survey.answeredTitle': 'Ya respondida',
  'survey.answeredHeading': 'Ya respondió a esta encuesta',
  'survey.answeredRating': 'Su valoración:',
  'survey.expiredTitle': 'Encuesta caducada',
  'survey.expiredHeading': 'Esta encuesta ha caducado',
  'survey.expiredText': 'Gracias por su interés; ya no se puede responder.',
  'survey.withdrawnTitle': 'Encuesta retirada',
  'survey.withdrawnHeading': 'Esta encuesta se ha retirado',
  'survey.withdrawnText': 'La solicitud se volvió a abrir, así que esta encuesta ya no es válida.',
  'survey.notFoundTitle': 'No encontrado',
  'survey.notFoundHeading': 'Este enlace no es válido',
  'survey.notFoundText': 'Compruebe que copió el enlace completo de su correo.',

  'form.title': 'Contacto',
  'form.heading': '¿Cómo podemos ayudarle?',
  'form.intro':
    'Escríbanos y le responderemos por correo. Recibirá un correo con un enlace para seguir su solicitud.',
  'form.name': 'Su nombre',
  'form.email': 'Su dirección de correo',
  'form.fixed': 'Ha iniciado sesión: respondemos a esta dirección.',
  'form.subject': 'Asunto',
  'form.message': 'Su mensaje',
  'form.messageHint': '(Markdown, como máximo {max} caracteres)',
  'form.attachments': 'Archivos adjuntos',
  'form.attachmentsHint': '(opcional; como máximo {size} por archivo, {total} en total)',
  'form.noscript': 'La comprobación antispam necesita JavaScript; actívelo para enviar este formulario.',
  'form.submit': 'Enviar solicitud',
  'form.error.name': 'Escriba su nombre.',
  'form.error.email': 'Escriba una dirección de correo válida.',
  'form.error.subject': 'Dé un asunto a su solicitud (como máximo {max} caracteres).',
  'form.error.message': 'Escriba su mensaje (como máximo {max} caracteres).',
  'form.error.captcha': 'Resuelva el captcha y vuelva a enviar el formulario.',
  'form.error.invalid': 'Revise el formulario y vuelva a enviarlo.',
  'form.error.rateLimited':
    'Se enviaron demasiadas solicitudes desde aquí o para esta dirección. Inténtelo más tarde.',
  'form.error.tooLarge':
    'Los archivos adjuntos son demasiado grandes: como máximo {size} por archivo, {total} en total.',
  'form.thanksTitle': 'Solicitud enviada',
  'form.thanksHeading': '¡Gracias!',
  'form.thanksText':
    'Recibimos su solicitud. Un correo con su enlace va de camino: siga el enlace, o responda al correo, para añadir algo a su solicitud.',
  'form.thanksHome': 'Volver a sus tickets',
  'form.another': 'Enviar otra solicitud',
  'form.notFoundTitle': 'No encontrado',
  'form.notFoundHeading': 'Este formulario no existe',
  'form.notFoundText': 'Compruebe la dirección que le dieron.',

  'mail.orOpen': 'O abra este enlace:',
  'mail.reply.intro': '{name} respondió a su solicitud {subject} ({reference}):',
  'mail.reply.ourTeam': 'Nuestro equipo',
  'mail.reply.open': 'Ver la conversación y responder',
  'mail.reply.footer':
    'Recibe este correo porque nos pidió ayuda ({reference}). No comparta el enlace: abre su solicitud sin iniciar sesión.',
  'mail.portal.intro':
    'Este es el enlace a su solicitud {subject} ({reference}). Muestra la conversación y le permite responder sin iniciar sesión.',
  'mail.portal.open': 'Abrir su solicitud',
  'mail.portal.footer':
    'Recibe este correo porque nuestro equipo le envió el enlace de su solicitud {reference}. No lo comparta: abre su solicitud sin iniciar sesión.',
  'mail.ack.intro':
    'Gracias por escribirnos. Hemos recibido su solicitud y le responderemos lo antes posible.',
  'mail.ack.received':
    'Su solicitud {subject} tiene la referencia {reference}. Puede seguirla y completarla en cualquier momento:',
  'mail.ack.footer':
    'Recibe este correo porque se abrió una solicitud con su dirección ({reference}). No comparta el enlace: abre su solicitud sin iniciar sesión.',
  'mail.signIn.subject': 'Su enlace de acceso a {account}',
  'mail.signIn.hello': 'Hola, {name}:',
  'mail.signIn.intro':
    'Use este enlace para entrar en el portal de soporte de {account}. Funciona una vez y caduca el {date}.',
  'mail.signIn.open': 'Entrar',
  'mail.signIn.ignore': 'Si no pidió entrar, ignore este correo: sin el enlace no ocurre nada.',
  'mail.signIn.footer': 'Recibe este correo porque alguien pidió un enlace de acceso con su dirección.',
  'mail.invitation.intro': '¿Qué tal lo hicimos? Valore su experiencia con un clic.',
  'mail.invitation.resolved':
    'Su solicitud {subject} ({reference}) se ha resuelto. ¿Qué tan satisfecho está con la ayuda recibida?',
  'mail.invitation.star': '{count} de 5 estrellas',
  'mail.invitation.oneClick':
    'Un clic abre la encuesta con su valoración elegida; allí puede añadir un comentario si lo desea.',
  'mail.invitation.open': 'Abrir la encuesta',
  'mail.invitation.openText': 'O abra la encuesta:',
  'mail.invitation.until': 'La encuesta está abierta hasta el {date}.',
  'mail.invitation.footer': 'Recibe este correo porque resolvimos su solicitud {reference}.',
};
