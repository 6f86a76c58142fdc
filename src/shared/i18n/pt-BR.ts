import type { Catalogue } from './en.js';

export const ptBR: Catalogue = {
  'language.label': 'Idioma',
  'language.submit': 'Trocar',

  'survey.title': 'Como nos saímos?',
  'survey.rating': 'Sua avaliação',
  'survey.stars': { one: '{count} estrela', other: '{count} estrelas' },
  'survey.comment': 'Algo a acrescentar?',
  'survey.optional': '(opcional)',
  'survey.spamField': 'Endereço do site',
  'survey.noscript': 'A verificação antispam precisa de JavaScript; ative-o para enviar sua avaliação.',
  'survey.submit': 'Enviar avaliação',
  'survey.error.rating': 'Escolha uma nota de 1 a 5 estrelas.',
  'survey.error.comment': 'O comentário pode ter no máximo {max} caracteres (ele tem {length}).',
  'survey.error.captcha': 'Resolva o captcha e envie o formulário de novo.',
  'survey.error.invalid': 'Confira o formulário e envie de novo.',
  'survey.thanksTitle': 'Obrigado',
  'survey.thanksHeading': 'Obrigado!',
  'survey.thanksRating': 'Recebemos sua avaliação de {rating}.',
  'survey.backToTicket': 'Voltar para sua solicitação {reference}',
  'survey.answeredTitle': 'Já respondida',
  'survey.answeredHeading': 'Você já respondeu a esta pesquisa',
  'survey.answeredRating': 'Sua avaliação:',
  'survey.expiredTitle': 'Pesquisa expirada',
  'survey.expiredHeading': 'Esta pesquisa expirou',
  'survey.expiredText': 'Obrigado pelo interesse; ela não pode mais ser respondida.',
  'survey.withdrawnTitle': 'Pesquisa retirada',
  'survey.withdrawnHeading': 'Esta pesquisa foi retirada',
  'survey.withdrawnText': 'A solicitação foi reaberta, então esta pesquisa não vale mais.',
  'survey.notFoundTitle': 'Não encontrado',
  'survey.notFoundHeading': 'Este link não é válido',
  'survey.notFoundText': 'Confira se você copiou o link inteiro do seu e-mail.',

  'mail.orOpen': 'Ou abra este link:',
  'mail.reply.intro': '{name} respondeu à sua solicitação {subject} ({reference}):',
  'mail.reply.ourTeam': 'Nossa equipe',
  'mail.reply.open': 'Ver a conversa e responder',
  'mail.reply.footer':
    'Você recebe este e-mail porque nos pediu ajuda ({reference}). Não compartilhe o link: ele abre sua solicitação sem login.',
  'mail.portal.intro':
    'Aqui está o link para sua solicitação {subject} ({reference}). Ele mostra a conversa e permite responder sem fazer login.',
  'mail.portal.open': 'Abrir sua solicitação',
  'mail.portal.footer':
    'Você recebe este e-mail porque nossa equipe lhe enviou o link da sua solicitação {reference}. Não o compartilhe: ele abre sua solicitação sem login.',
  'mail.signIn.subject': 'Seu link de acesso para {account}',
  'mail.signIn.hello': 'Olá, {name},',
  'mail.signIn.intro':
    'Use este link para entrar no portal de suporte de {account}. Ele funciona uma vez e expira em {date}.',
  'mail.signIn.open': 'Entrar',
  'mail.signIn.ignore': 'Se você não pediu para entrar, ignore este e-mail: nada acontece sem o link.',
  'mail.signIn.footer': 'Você recebe este e-mail porque alguém pediu um link de acesso com seu endereço.',
  'mail.invitation.intro': 'Como nos saímos? Avalie sua experiência com um clique.',
  'mail.invitation.resolved':
    'Sua solicitação {subject} ({reference}) foi resolvida. Quão satisfeito você está com a ajuda recebida?',
  'mail.invitation.star': '{count} de 5 estrelas',
  'mail.invitation.oneClick':
    'Um clique abre a pesquisa com sua nota escolhida; lá você pode acrescentar um comentário, se quiser.',
  'mail.invitation.open': 'Abrir a pesquisa',
  'mail.invitation.openText': 'Ou abra a pesquisa:',
  'mail.invitation.until': 'A pesquisa fica aberta até {date}.',
  'mail.invitation.footer': 'Você recebe este e-mail porque resolvemos sua solicitação {reference}.',
};
