import { type BrandPalette, brandPalette, DEFAULT_BRAND_COLOR } from '../../../shared/brand-color.js';
import { formatSize } from '../../../shared/format-size.js';
import {
  formatDateTime,
  isLanguage,
  type Language,
  type Translate,
  translator,
} from '../../../shared/i18n/index.js';
import type { Config } from '../../config.js';
import type { Queryable } from '../../db/client.js';
import { formatUtc } from '../../lib/clock.js';
import { html, type RawHtml, raw } from '../../lib/html.js';
import type { LinkTokens } from '../../lib/link-tokens.js';
import { findAccountBrand, getUser } from '../accounts/index.js';
import { type Attachment, listAttachments } from '../attachments/index.js';
import { findPasswordResetForMail, passwordResetPath } from '../auth/index.js';
import { findSurveyInvitation, surveyPath } from '../csat/index.js';
import type { DeliveryRow } from '../delivery/index.js';
import { getIntakeSettings, REPLY_MARKER, replyAddress } from '../inbound/index.js';
import { findStaffNotification } from '../notifications/index.js';
import { findSignInLink, signInPath } from '../portal/index.js';
import {
  findFirstPublicMessageId,
  findMessageSummary,
  findTicketSummary,
  portalPath,
  type TicketSummary,
} from '../tickets/index.js';
import type { MailCause } from './mail.schemas.js';

/** What rendering needs besides the database: links are signed again at each rendering. */
export interface RenderEnv {
  config: Pick<Config, 'publicUrl' | 'mailInboundDomain' | 'attachmentMailMaxBytes'>;
  links: LinkTokens;
  now: Date;
}

export interface RenderedMail {
  subject: string;
  /** The sender's display name (the account's name); the address is MAIL_FROM. */
  fromName: string;
  text: string;
  /** The whole HTML document sent. */
  html: string;
  /** Its body alone, for showing inside another page. */
  bodyHtml: string;
  /** Threading: every mail of a ticket refers to the same root id, so mail clients group them. */
  headers: { messageId: string; inReplyTo?: string; references?: string; replyTo?: string };
  /** Why it should no longer go out (the survey was answered, the link used…); null when it may. */
  obsolete: string | null;
  /** Files the mail carries (a public reply's, while they fit ATTACHMENT_MAIL_MAX_BYTES), read when sent. */
  files: Attachment[];
}

/** Rendered, or the reason it cannot be (what it was about was deleted). */
export type RenderResult = { mail: RenderedMail } | { gone: string };

interface Brand {
  name: string;
  logoUrl: string | null;
  timezone: string;
  defaultLanguage: Language;
}

/** A customer mail's language: the customer's, else the account's default. */
interface Locale {
  language: Language;
  t: Translate;
  date: (d: Date) => string;
}

const customerLocale = (brand: Brand, stored: string | null): Locale => {
  const language = isLanguage(stored) ? stored : brand.defaultLanguage;
  return {
    language,
    t: translator(language),
    date: (d) => formatDateTime(language, brand.timezone, d),
  };
};

interface Content {
  subject: string;
  html: RawHtml;
  text: string;
  footer: string;
  obsolete?: string | null;
  files?: Attachment[];
}

const hostOf = (env: RenderEnv) => new URL(env.config.publicUrl).hostname;
const ticketThreadId = (env: RenderEnv, ticketId: string) => `<ticket-${ticketId}@${hostOf(env)}>`;
const ticketSubject = (t: TicketSummary) => `[${t.reference}] ${t.subject}`;
const url = (env: RenderEnv, path: string) => `${env.config.publicUrl.replace(/\/$/, '')}${path}`;
/** Rendering one mail: the account's colours come along (mail clients ignore stylesheets, so every style is inline). */
interface MailEnv extends RenderEnv {
  palette: BrandPalette;
}

const button = (env: MailEnv, href: string, label: string) =>
  html`<p style="margin:1.5rem 0"><a href="${href}" style="display:inline-block;padding:.7rem 1.4rem;background:${env.palette.brand};color:${env.palette.onBrand};font-weight:600;text-decoration:none;border-radius:8px">${label}</a></p>`;

const quote = (bodyHtml: string) =>
  html`<div style="border-left:3px solid #ccc;padding:.25rem 0 .25rem 1rem;margin:1rem 0">${raw(bodyHtml)}</div>`;

/** Renders a mail from its cause, reading what it needs now. */
export async function renderMail(
  db: Queryable,
  env: RenderEnv,
  mail: Pick<DeliveryRow, 'id' | 'accountId' | 'ticketId' | 'kind' | 'cause'>,
): Promise<RenderResult> {
  const account = await findAccountBrand(db, mail.accountId);
  if (!account) return { gone: 'The account no longer exists.' };
  const brand: Brand = {
    name: account.name,
    logoUrl: account.logoPath ? url(env, account.logoPath) : null,
    timezone: account.timezone,
    defaultLanguage: account.defaultLanguage,
  };
  const ticket = mail.ticketId ? await findTicketSummary(db, mail.ticketId) : null;
  if (mail.ticketId && !ticket) return { gone: 'The ticket no longer exists.' };
  const cause = { kind: mail.kind, ...(mail.cause as object) } as MailCause;
  const palette = brandPalette(account.brandColor ?? DEFAULT_BRAND_COLOR);
  const content = await renderContent(db, { ...env, palette }, cause, brand, ticket);
  if ('gone' in content) return content;
  const messageId = `<${mail.id}@${hostOf(env)}>`;
  const thread = ticket ? ticketThreadId(env, ticket.id) : null;
  // A requester's mail about their ticket can be answered by mail: its Reply-To names the ticket,
  // and the marker tells the inbound side where the customer's words end. Staff answer in the app.
  const replyTo =
    ticket && cause.kind !== 'staff_notification'
      ? replyAddress(env.links, env.config.mailInboundDomain, ticket)
      : null;
  const marker = replyTo ? `${REPLY_MARKER}\n\n` : '';
  const bodyHtml =
    html`<div style="font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:16px;line-height:1.55;color:#1b1d22;max-width:36rem;margin:0 auto;overflow-wrap:anywhere">
${replyTo ? html`<p style="color:#5b6270;font-size:.8em">${REPLY_MARKER}</p>` : ''}
<p style="display:flex;align-items:center;gap:.75rem;margin:0 0 1.5rem;padding-bottom:.75rem;border-bottom:3px solid ${palette.brand};font-weight:650;font-size:1.1em">${
      brand.logoUrl ? html`<img src="${brand.logoUrl}" alt="" style="max-height:40px;max-width:160px">` : ''
    }<span>${brand.name}</span></p>
${content.html}
<hr style="border:0;border-top:1px solid #d3d7de;margin-top:2rem">
<p style="color:#5b6270;font-size:.85em">${content.footer}</p>
</div>`.value;
  return {
    mail: {
      subject: content.subject,
      fromName: brand.name,
      text: `${marker}${brand.name}\n\n${content.text.trim()}\n\n-- \n${content.footer}\n`,
      html: html`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${content.subject}</title></head>
<body style="margin:0;padding:1.5rem 1rem;background:#ffffff;color:#1b1d22">${raw(bodyHtml)}</body></html>`
        .value,
      bodyHtml,
      headers: {
        messageId,
        ...(thread && { inReplyTo: thread, references: thread }),
        ...(replyTo && { replyTo }),
      },
      obsolete: content.obsolete ?? null,
      files: content.files ?? [],
    },
  };
}

async function renderContent(
  db: Queryable,
  env: MailEnv,
  cause: MailCause,
  brand: Brand,
  ticket: TicketSummary | null,
): Promise<Content | { gone: string }> {
  switch (cause.kind) {
    case 'agent_reply':
      return ticket
        ? renderAgentReply(db, env, cause.messageId, ticket, customerLocale(brand, ticket.requester.language))
        : { gone: 'No ticket.' };
    case 'survey_invitation':
      return ticket
        ? renderSurveyInvitation(
            db,
            env,
            cause.surveyId,
            ticket,
            customerLocale(brand, ticket.requester.language),
          )
        : { gone: 'No ticket.' };
    case 'sign_in':
      return renderSignIn(db, env, cause.tokenId, brand);
    case 'staff_notification':
      return ticket ? renderStaffNotification(db, env, cause.notificationId, ticket) : { gone: 'No ticket.' };
    case 'portal_link':
      return ticket
        ? renderPortalLink(env, ticket, customerLocale(brand, ticket.requester.language))
        : { gone: 'No ticket.' };
    case 'acknowledgement':
      return ticket
        ? renderAcknowledgement(db, env, ticket, customerLocale(brand, ticket.requester.language))
        : { gone: 'No ticket.' };
    case 'password_reset':
      return renderPasswordReset(db, env, cause.resetId, brand);
    case 'discord_setup_broken':
      return renderDiscordBroken(env, cause.reason, brand);
    case 'webhook_disabled':
      return renderWebhookDisabled(env, cause, brand);
  }
}

/** The ticket's current portal link, signed now: staff send it, they never see it. */
function renderPortalLink(env: MailEnv, ticket: TicketSummary, { t }: Locale) {
  const portal = url(env, portalPath(env.links, ticket));
  const reference = ticket.reference;
  const [before = '', after = ''] = t('mail.portal.intro', { reference }).split('{subject}');
  return {
    subject: ticketSubject(ticket),
    html: html`<p>${before}<strong>${ticket.subject}</strong>${after}</p>
${button(env, portal, t('mail.portal.open'))}
<p style="color:#666;font-size:.9em">${t('mail.orOpen')} <a href="${portal}">${portal}</a></p>`,
    text: `${t('mail.portal.intro', { reference, subject: `"${ticket.subject}"` })}\n\n${portal}`,
    footer: t('mail.portal.footer', { reference }),
  };
}

/** The project's own opening words (as typed: not translated) or the catalogue's, then what was received. */
async function renderAcknowledgement(db: Queryable, env: MailEnv, ticket: TicketSummary, { t }: Locale) {
  const intro = (await getIntakeSettings(db, ticket.projectId)).acknowledgementText ?? t('mail.ack.intro');
  const portal = url(env, portalPath(env.links, ticket));
  const reference = ticket.reference;
  const [before = '', after = ''] = t('mail.ack.received', { reference }).split('{subject}');
  return {
    subject: ticketSubject(ticket),
    html: html`<p style="white-space:pre-line">${intro}</p>
<p>${before}<strong>${ticket.subject}</strong>${after}</p>
${button(env, portal, t('mail.portal.open'))}
<p style="color:#666;font-size:.9em">${t('mail.orOpen')} <a href="${portal}">${portal}</a></p>`,
    text: `${intro}\n\n${t('mail.ack.received', { reference, subject: `"${ticket.subject}"` })}\n\n${portal}`,
    footer: t('mail.ack.footer', { reference }),
  };
}

async function renderAgentReply(
  db: Queryable,
  env: MailEnv,
  messageId: string,
  ticket: TicketSummary,
  { t }: Locale,
) {
  const message = await findMessageSummary(db, messageId);
  // Only staff's public replies are ever mailed to a requester: never an internal note.
  if (message?.kind !== 'public' || !message.authorUserId) {
    return { gone: 'The reply was deleted.' };
  }
  const portal = url(env, portalPath(env.links, ticket));
  const name = message.staffName ?? t('mail.reply.ourTeam');
  const reference = ticket.reference;
  const [before = '', after = ''] = t('mail.reply.intro', { name, reference }).split('{subject}');
  const files = await listAttachments(db, [messageId]);
  // Files that fit go along; past the threshold the mail links to each through the portal link.
  const carried = files.reduce((sum, f) => sum + f.size, 0) <= env.config.attachmentMailMaxBytes;
  const linked = carried ? [] : files.map((f) => ({ ...f, href: `${portal}/attachments/${f.id}` }));
  const fileList = linked.length
    ? html`<ul>${linked.map((f) => html`<li><a href="${f.href}">${f.filename}</a> (${formatSize(f.size)})</li>`)}</ul>`
    : '';
  const fileLines = linked.map((f) => `${f.filename} (${formatSize(f.size)}): ${f.href}\n`).join('');
  return {
    subject: ticketSubject(ticket),
    html: html`<p>${before}<strong>${ticket.subject}</strong>${after}</p>
${quote(message.bodyHtml)}
${fileList}
${button(env, portal, t('mail.reply.open'))}
<p style="color:#666;font-size:.9em">${t('mail.orOpen')} <a href="${portal}">${portal}</a></p>`,
    text: `${t('mail.reply.intro', { name, reference, subject: `"${ticket.subject}"` })}\n\n${message.body}\n\n${fileLines ? `${fileLines}\n` : ''}${t('mail.reply.open')}:\n${portal}`,
    footer: t('mail.reply.footer', { reference }),
    files: carried ? files : [],
  };
}

async function renderSurveyInvitation(
  db: Queryable,
  env: MailEnv,
  surveyId: string,
  ticket: TicketSummary,
  { t, date }: Locale,
) {
  const row = await findSurveyInvitation(db, surveyId);
  if (!row) return { gone: 'The survey was withdrawn (the ticket was reopened).' };
  const { survey } = row;
  const invitation = row.invitationText ?? t('mail.invitation.intro');
  const link = url(env, surveyPath(env.links, survey));
  const starLink = (n: number) => `${link}?rating=${n}&via=email`;
  const reference = ticket.reference;
  const ratings = [1, 2, 3, 4, 5];
  const obsolete = survey.submittedAt
    ? 'The survey was answered before its invitation went out.'
    : survey.expiresAt.getTime() <= env.now.getTime()
      ? 'The survey expired before its invitation went out.'
      : null;
  const [before = '', after = ''] = t('mail.invitation.resolved', { reference }).split('{subject}');
  const until = t('mail.invitation.until', { date: date(survey.expiresAt) });
  return {
    subject: ticketSubject(ticket),
    html: html`<p>${invitation}</p>
<p>${before}<strong>${ticket.subject}</strong>${after}</p>
<p style="font-size:1.6em;margin:1.5rem 0">${ratings.map(
      (n) =>
        html`<a href="${starLink(n)}" title="${t('mail.invitation.star', { count: n })}" aria-label="${t('mail.invitation.star', { count: n })}" style="text-decoration:none;color:#e0a800;padding:0 .15em">${'★'.repeat(n)}</a> `,
    )}</p>
<p style="color:#666;font-size:.9em">${t('mail.invitation.oneClick')}</p>
${button(env, `${link}?via=email`, t('mail.invitation.open'))}
<p style="color:#666;font-size:.9em">${until}</p>`,
    text: `${invitation}\n\n${t('mail.invitation.resolved', { reference, subject: `"${ticket.subject}"` })}\n\n${ratings
      .map((n) => `${t('mail.invitation.star', { count: n })}: ${starLink(n)}`)
      .join('\n')}\n\n${t('mail.invitation.openText')} ${link}?via=email\n\n${until}`,
    footer: t('mail.invitation.footer', { reference }),
    obsolete,
  };
}

async function renderSignIn(db: Queryable, env: MailEnv, tokenId: string, brand: Brand) {
  const token = await findSignInLink(db, tokenId);
  if (!token) return { gone: 'The sign-in link no longer exists.' };
  const { t, date } = customerLocale(brand, token.customerLanguage);
  const link = url(env, signInPath(env.links, token.accountId, token.id));
  const obsolete = token.usedAt
    ? 'The sign-in link was used before the mail went out.'
    : token.expiresAt.getTime() <= env.now.getTime()
      ? 'The sign-in link expired before the mail went out.'
      : null;
  const hello = t('mail.signIn.hello', { name: token.customerName });
  const intro = t('mail.signIn.intro', { account: brand.name, date: date(token.expiresAt) });
  return {
    subject: t('mail.signIn.subject', { account: brand.name }),
    html: html`<p>${hello}</p>
<p>${intro}</p>
${button(env, link, t('mail.signIn.open'))}
<p style="color:#666;font-size:.9em">${t('mail.orOpen')} <a href="${link}">${link}</a></p>
<p>${t('mail.signIn.ignore')}</p>`,
    text: `${hello}\n\n${intro}\n\n${link}\n\n${t('mail.signIn.ignore')}`,
    footer: t('mail.signIn.footer'),
    obsolete,
  };
}

function renderDiscordBroken(env: MailEnv, reason: string, brand: Brand) {
  const settings = url(env, '/app/');
  return {
    subject: `Discord direct messages stopped for ${brand.name}`,
    html: html`<p>Discord refused the bot token of your Discord application, so Clearline stopped sending survey invitations and reply notices as direct messages (customers get them by mail meanwhile).</p>
<p>Discord said: <em>${reason}</em></p>
<p>Create a new bot token in Discord's developer portal and save it in Clearline's Discord settings: direct messages start again from then on.</p>
${button(env, settings, 'Open Clearline')}`,
    text: `Discord refused the bot token of your Discord application, so Clearline stopped sending survey invitations and reply notices as direct messages (customers get them by mail meanwhile).\n\nDiscord said: ${reason}\n\nCreate a new bot token in Discord's developer portal and save it in Clearline's Discord settings: direct messages start again from then on.\n\n${settings}`,
    footer: 'You get this mail because you own this Clearline account.',
  };
}

function renderWebhookDisabled(env: MailEnv, cause: { url: string; failingSince: string }, brand: Brand) {
  const settings = url(env, '/app/');
  const since = formatUtc(new Date(cause.failingSince));
  const what = `Every delivery to your webhook endpoint ${cause.url} has failed since ${since}, so Clearline disabled it: it gets no more events.`;
  const fix =
    'Its delivery log shows what the receiver answered. Once it works again, enable the endpoint under Settings → Webhooks; events from then on are delivered.';
  return {
    subject: `A webhook endpoint of ${brand.name} was disabled`,
    html: html`<p>${what}</p>
<p>${fix}</p>
${button(env, settings, 'Open Clearline')}`,
    text: `${what}\n\n${fix}\n\n${settings}`,
    footer: 'You get this mail because you own this Clearline account.',
  };
}

async function renderPasswordReset(db: Queryable, env: MailEnv, resetId: string, brand: Brand) {
  const reset = await findPasswordResetForMail(db, resetId);
  if (!reset) return { gone: 'The reset link no longer exists.' };
  const link = url(env, passwordResetPath(env.links, reset.id));
  const obsolete = reset.usedAt
    ? 'The reset link was used or revoked before the mail went out.'
    : reset.expiresAt.getTime() <= env.now.getTime()
      ? 'The reset link expired before the mail went out.'
      : null;
  return {
    subject: `Reset your ${brand.name} password`,
    html: html`<p>Hello ${reset.userName},</p>
<p>Use this link to choose a new password for Clearline. It works once and expires at ${formatUtc(reset.expiresAt)}.</p>
${button(env, link, 'Choose a new password')}
<p style="color:#666;font-size:.9em">Or open this link: <a href="${link}">${link}</a></p>
<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>`,
    text: `Hello ${reset.userName},\n\nUse this link to choose a new password for Clearline. It works once and expires at ${formatUtc(reset.expiresAt)}.\n\n${link}\n\nIf you did not ask for this, ignore this mail: your password stays as it is.`,
    footer: 'You get this mail because someone asked to reset the password of your staff account.',
    obsolete,
  };
}

async function renderStaffNotification(
  db: Queryable,
  env: MailEnv,
  notificationId: string,
  ticket: TicketSummary,
) {
  const notification = await findStaffNotification(db, notificationId);
  const user = notification && (await getUser(db, notification.userId));
  if (!notification || !user) return { gone: 'The notification no longer exists.' };
  if (notification.kind === 'low_score') {
    return notification.surveyId
      ? renderLowScore(db, env, notification.surveyId, user.name, ticket)
      : { gone: 'The survey no longer exists.' };
  }
  const ref = ticket.reference;
  const messageId =
    notification.messageId ??
    (notification.kind === 'new_ticket' ? await findFirstPublicMessageId(db, ticket.id) : null);
  const found = messageId ? await findMessageSummary(db, messageId) : null;
  // Staff mails quote the requester's words only: public messages, never a note.
  const message = found?.kind === 'public' ? found : null;
  const requester = message?.requesterName ?? ticket.requester.name;
  const headline = {
    new_ticket: `New ticket ${ref} from ${requester}: ${ticket.subject}`,
    requester_reply: `${requester} replied on ${ref}: ${ticket.subject}`,
    reopened: `${ref} was reopened by ${ticket.requester.name}'s reply: ${ticket.subject}`,
  }[notification.kind];
  // The staff app's ticket screen.
  const link = url(env, `/app/p/${ticket.projectId}/tickets/${ticket.id}`);
  return {
    subject: ticketSubject(ticket),
    html: html`<p>Hello ${user.name},</p>
<p><strong>${headline}</strong></p>
${message ? quote(message.bodyHtml) : ''}
${button(env, link, 'Open the ticket')}`,
    text: `Hello ${user.name},\n\n${headline}\n\n${message ? `${message.body}\n\n` : ''}Open the ticket: ${link}`,
    footer: `You get this mail because you are the assignee or a watcher of ${ref}.`,
  };
}

/** A low score, to the credited agent and the follow-up holders: the rating, reason and comment as given. */
async function renderLowScore(
  db: Queryable,
  env: MailEnv,
  surveyId: string,
  userName: string,
  ticket: TicketSummary,
) {
  const survey = (await findSurveyInvitation(db, surveyId))?.survey;
  if (!survey?.rating) return { gone: 'The survey no longer exists.' };
  const ref = ticket.reference;
  const headline = `${ticket.requester.name} rated ${ref} ${survey.rating} out of 5: ${ticket.subject}`;
  const reason = survey.reason ? `Reason: ${survey.reason}` : null;
  const link = url(env, `/app/p/${ticket.projectId}/tickets/${ticket.id}`);
  const reviews = url(env, `/app/p/${ticket.projectId}/csat`);
  return {
    subject: `Low score on ${ticketSubject(ticket)}`,
    html: html`<p>Hello ${userName},</p>
<p><strong>${headline}</strong></p>
${reason ? html`<p>${reason}</p>` : ''}
${survey.comment ? html`<blockquote style="border-left:3px solid #ccc;padding:.25rem 0 .25rem 1rem;margin:1rem 0;white-space:pre-wrap">${survey.comment}</blockquote>` : html`<p style="color:#666">No comment was left.</p>`}
${button(env, link, 'Open the ticket')}
<p style="color:#666;font-size:.9em">Mark the follow-up done in the reviews: <a href="${reviews}">${reviews}</a></p>`,
    text: `Hello ${userName},\n\n${headline}\n\n${reason ? `${reason}\n\n` : ''}${survey.comment ?? 'No comment was left.'}\n\nOpen the ticket: ${link}\nMark the follow-up done in the reviews: ${reviews}`,
    footer: `You get this mail because you are credited with ${ref}'s survey or you follow up low scores in its project.`,
  };
}
