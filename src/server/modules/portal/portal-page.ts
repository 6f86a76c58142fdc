import type { z } from 'zod';
import { formatSize } from '../../../shared/format-size.js';
import {
  formatDateTime,
  type Language,
  type MessageKey,
  type Translate,
  translator,
} from '../../../shared/i18n/index.js';
import { describeSystemEvent } from '../../../shared/system-events.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import type { AppError } from '../../lib/errors.js';
import { html, type RawHtml, raw, renderPage } from '../../lib/html.js';
import { firstProblem, NUL_MESSAGE } from '../../lib/http.js';
import { type PageLocale, renderLanguageSwitcher, withMarkup } from '../../lib/language.js';
import { renderSurveyFormFields } from '../csat/index.js';
import type { PortalDiscordState } from '../discord/index.js';
import { renderCaptchaWidget } from '../spam/index.js';
import type { PortalTicketView } from './portal.service.js';

export const PORTAL_SCRIPTS = ['/assets/altcha.js', '/assets/survey.js'];

/** A customer page's locale, with the account's time zone its times are in. */
export interface PortalLocale extends Omit<PageLocale, 'switchAction'> {
  timeZone: string;
  /** None on staff's preview, which sends nothing. */
  switchAction: string | null;
}

export const portalLocale = (
  language: Language,
  timeZone: string,
  switchAction: string | null,
): PortalLocale => ({
  language,
  t: translator(language),
  timeZone,
  switchAction,
});

/** Formatted timestamps, kept: a message's time never changes, and a thread is shown again and again. */
const formattedTimes = new Map<string, RawHtml>();
const MAX_FORMATTED_TIMES = 20_000;

/**
 * A timestamp in the page's language and the account's time zone. Intl's output holds nothing to
 * escape, nor does an ISO string. Formatting costs microseconds each (with the zone's name), which a
 * page of 50 messages pays 50 times per view (13% of the portal page's JavaScript when measured), so
 * each result is kept; the cache starts over when full.
 */
export function formatTime(locale: PortalLocale, d: Date): RawHtml {
  const key = `${locale.language} ${locale.timeZone} ${d.getTime()}`;
  let formatted = formattedTimes.get(key);
  if (!formatted) {
    if (formattedTimes.size >= MAX_FORMATTED_TIMES) formattedTimes.clear();
    formatted = raw(
      `<time datetime="${d.toISOString()}">${formatDateTime(locale.language, locale.timeZone, d)}</time>`,
    );
    formattedTimes.set(key, formatted);
  }
  return formatted;
}

/** A portal page: the page's language on <html>, and the switcher below it. */
export function renderPortalPage(
  locale: PortalLocale,
  title: string,
  body: RawHtml,
  options: { scripts?: string[]; brandColor?: string | null } = {},
): string {
  const switcher = locale.switchAction
    ? html`
<footer>${renderLanguageSwitcher(locale.t, locale.language, locale.switchAction)}</footer>`
    : '';
  return renderPage(title, html`<main>${body}</main>${switcher}`, { lang: locale.language, ...options });
}

export function brandHeader(account: { name: string; logoUrl: string | null }, aside?: RawHtml): RawHtml {
  return html`<div class="topbar"><header class="brand">${account.logoUrl ? html`<img src="${account.logoUrl}" alt="">` : ''}<span>${account.name}</span></header>${aside ?? ''}</div>`;
}

/**
 * The honeypot and the captcha of a portal form; ids are per form (a page can hold two). The
 * captcha solves when its form is first touched (see CaptchaStart).
 */
export function spamFields(t: Translate, idPrefix: string): RawHtml {
  return html`<div class="hp" aria-hidden="true"><label for="${idPrefix}-website">${t('survey.spamField')}</label><input id="${idPrefix}-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
  ${renderCaptchaWidget('onfocus')}
  <noscript><p>${t('form.noscript')}</p></noscript>`;
}

const NOTICES = [
  'reply',
  'closure',
  'closed',
  'survey',
  'created',
  'discord_linked',
  'discord_moved',
  'discord_unlinked',
] as const;
export type Notice = (typeof NOTICES)[number];

/** The notice a `?done=` value names, if any (a list lookup: `toString` or `__proto__` are no notices). */
export const noticeOf = (done: string | undefined): Notice | undefined => NOTICES.find((n) => n === done);

export const renderNotice = (t: Translate, notice: Notice | undefined) =>
  notice ? html`<p class="notice" role="status" id="notice">${t(`portal.notice.${notice}`)}</p>` : '';

/**
 * A refused form's first problem in the page's language: the field's own text, else "check the
 * form". What no browser sends (a NUL, a value that is not a string) keeps the schema's words.
 */
export function problemText(
  t: Translate,
  body: unknown,
  error: z.ZodError,
  fields: Record<string, string>,
): string {
  const issue = error.issues[0];
  const field = issue?.path[0];
  const sent = typeof field === 'string' ? (body as Record<string, unknown> | undefined)?.[field] : undefined;
  if (issue?.message === NUL_MESSAGE || (sent !== undefined && typeof sent !== 'string')) {
    return firstProblem(error);
  }
  return (typeof field === 'string' && fields[field]) || t('form.error.invalid');
}

const REFUSALS: Partial<Record<string, MessageKey>> = {
  TICKET_CLOSED: 'portal.error.closed',
  STAFF_CANNOT_ANSWER: 'portal.error.staff',
  ALREADY_SUBMITTED: 'portal.error.answered',
  SURVEY_EXPIRED: 'portal.error.expired',
  RATE_LIMITED: 'form.error.rateLimited',
  VALIDATION_ERROR: 'form.error.invalid',
};

/**
 * A refusal as the customer reads it, in the page's language: the texts this action has for some
 * codes (`own`), else the portal's, else "that did not work" (never the English message).
 */
export function refusalText(t: Translate, err: AppError, own: Partial<Record<string, string>> = {}): string {
  if (err.code.startsWith('CAPTCHA_')) return t('form.error.captcha');
  const key = REFUSALS[err.code];
  return own[err.code] ?? (key ? t(key) : t('portal.error.other'));
}

export interface TicketPageOptions {
  /** Where this page lives: `/p/{token}` or `/portal/{accountId}/tickets/{ticketId}`; forms post below it. */
  base: string;
  locale: PortalLocale;
  /** The portal home, for signed-in customers. */
  homeUrl?: string | undefined;
  notice?: Notice | undefined;
  reply?: { body: string; error: string } | undefined;
  survey?:
    | {
        rating?: number | undefined;
        comment?: string | undefined;
        reason?: string | undefined;
        error: string;
      }
    | undefined;
  /** A refusal that belongs to no form (closing, a survey answered meanwhile). */
  error?: string | undefined;
  /** Staff's read-only preview: what the requester sees, without a form, a captcha or a script. */
  preview?: boolean | undefined;
  /** The customer's Discord link; absent when the account has no Discord set up. */
  discord?: PortalDiscordState | undefined;
}

/**
 * "Link Discord", or the linked name with "Unlink"; and when Discord refused DMs for good, what the
 * customer can do about it. Forms post below `base`.
 */
export function renderDiscordSection(
  t: Translate,
  state: PortalDiscordState | undefined,
  base: string,
): RawHtml {
  if (!state) return html``;
  const link = state.link;
  const reason = link?.dmUndeliverableReason ? ` (${link.dmUndeliverableReason})` : '';
  const body = link
    ? html`<p id="discord-linked">${withMarkup(t('discord.linkedAs'), 'name', html`<strong>${link.discordUsername}</strong>`)}</p>
${link.dmUndeliverableAt ? html`<p class="error" role="alert" id="discord-undeliverable">${t('discord.undeliverable', { reason })}</p>` : ''}
<form method="post" action="${base}/discord/unlink" id="discord-unlink-form"><button type="submit" class="secondary">${t('discord.unlink')}</button></form>`
    : html`<p>${t('discord.section')}</p>
<form method="post" action="${base}/discord/link" id="discord-link-form"><button type="submit">${t('discord.link')}</button></form>`;
  return html`<section id="discord" aria-labelledby="discord-title"><h2 id="discord-title">Discord</h2>${body}</section>`;
}

function renderFiles(files: PortalTicketView['thread'][number]['attachments'], o: TicketPageOptions) {
  if (files.length === 0) return '';
  const url = (id: string) => (o.preview ? `/api/v1/attachments/${id}` : `${o.base}/attachments/${id}`);
  const items = files.map(
    (f) =>
      html`<li><a href="${url(f.id)}">${f.filename}</a> <span class="muted">(${formatSize(f.size)})</span></li>`,
  );
  return html`<ul class="files" aria-label="${o.locale.t('portal.files')}">${items}</ul>`;
}

/**
 * A system message in the page's language, from what it says (a closing time in the page's locale
 * and zone); an older one, stored without its event, shows its stored English.
 */
function renderSystemLine(m: PortalTicketView['thread'][number], locale: PortalLocale): RawHtml {
  const event = m.systemEvent;
  if (!event) return raw(m.bodyHtml);
  const { t } = locale;
  const text = describeSystemEvent(t, event, () => '{closing}');
  if (event.type !== 'status_changed' || !event.closesAt) return html`<p>${text}</p>`;
  const closing = withMarkup(t('system.closesOn'), 'date', formatTime(locale, new Date(event.closesAt)));
  return html`<p>${withMarkup(text, 'closing', closing)}</p>`;
}

function renderThread(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  const { locale } = o;
  const { t } = locale;
  const you = ` ${t('portal.you')}`;
  const items = view.thread.map((m) =>
    m.kind === 'system'
      ? html`<li class="system" id="m-${m.id}">${renderSystemLine(m, locale)}<p class="byline">${formatTime(locale, m.createdAt)}</p></li>`
      : html`<li class="public${m.author?.type === 'requester' ? ' mine' : ''}" id="m-${m.id}"><p class="byline"><strong>${m.author?.name ?? t('mail.reply.ourTeam')}</strong>${m.author?.type === 'requester' ? you : ''} · ${formatTime(locale, m.createdAt)}</p>${raw(m.bodyHtml)}${renderFiles(m.attachments, o)}</li>`,
  );
  return html`<section id="thread" aria-labelledby="thread-title"><h2 id="thread-title">${t('portal.thread')}</h2><ol class="thread">${items}</ol></section>`;
}

function renderReply(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  const { t, language } = o.locale;
  if (!view.abilities.reply) {
    const newTicket = o.homeUrl
      ? html`<a href="${o.homeUrl}">${t('portal.newTicketLink')}</a>`
      : html`${t('portal.newTicketLink')}`;
    return html`<section id="reply"><p class="notice" id="closed-notice" role="status">${t('portal.closedTicket')} ${withMarkup(t('portal.closedNewTicket'), 'link', newTicket)}</p></section>`;
  }
  const max = new Intl.NumberFormat(language).format(MAX_MESSAGE_LENGTH);
  return html`<section id="reply" aria-labelledby="reply-title"><h2 id="reply-title">${t('portal.reply')}</h2>
${o.reply ? html`<p class="error" role="alert" id="reply-error">${o.reply.error}</p>` : ''}
<form method="post" action="${o.base}/reply" id="reply-form" enctype="multipart/form-data">
  <label for="reply-body">${t('portal.replyMessage')} <span class="muted">${t('form.messageHint', { max })}</span></label>
  <textarea id="reply-body" name="body" rows="6" maxlength="${MAX_MESSAGE_LENGTH}" required>${o.reply?.body ?? ''}</textarea>
  ${spamFields(t, 'reply')}
  <label for="reply-files">${t('portal.replyFiles')} <span class="muted">${t('survey.optional')}</span></label>
  <input type="file" id="reply-files" name="files" multiple>
  <button type="submit">${t('portal.replySubmit')}</button>
</form></section>`;
}

function renderClose(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  const { t } = o.locale;
  if (view.abilities.closeNow) {
    const when = view.ticket.closesAt
      ? withMarkup(t('portal.closesOn'), 'date', formatTime(o.locale, view.ticket.closesAt))
      : t('portal.closesSoon');
    return html`<section id="close"><form method="post" action="${o.base}/close" id="close-form">
  <p>${when}</p>
  <button type="submit">${t('portal.closeNow')}</button></form></section>`;
  }
  if (view.abilities.requestClosure) {
    return html`<section id="close"><form method="post" action="${o.base}/close" id="close-form">
  <p>${t('portal.askClosure')}</p>
  <button type="submit">${t('portal.closeMine')}</button></form></section>`;
  }
  return html``;
}

function renderSurvey(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  if (!view.survey) return html``;
  const { t } = o.locale;
  if (o.preview) {
    return html`<section id="survey"><h2>${t('survey.title')}</h2><p class="muted">${t('portal.previewSurvey')}</p></section>`;
  }
  return html`<section id="survey" aria-labelledby="survey-title"><h2 id="survey-title">${t('survey.title')}</h2>
${renderSurveyFormFields(
  t,
  { action: `${o.base}/survey`, lowScore: view.survey.lowScore, ...o.survey },
  'onfocus',
)}</section>`;
}

/** The ticket page: brand, subject, reference, status, priority, survey, thread, reply form, closing. */
export function renderTicketPage(view: PortalTicketView, o: TicketPageOptions): string {
  const { t } = o.locale;
  const home = o.homeUrl ? html`<a href="${o.homeUrl}">${t('portal.yourTickets')}</a>` : undefined;
  return renderPortalPage(
    o.locale,
    view.ticket.subject,
    html`${brandHeader(view.account, home)}
<h1>${view.ticket.subject}</h1>
<dl class="meta">
  <dt>${t('portal.reference')}</dt><dd id="reference">${view.ticket.reference}</dd>
  <dt>${t('portal.status')}</dt><dd id="status">${t(`status.${view.ticket.status}`)}</dd>
  <dt>${t('portal.priority')}</dt><dd id="priority">${t(`priority.${view.ticket.priority}`)}</dd>
</dl>
${o.preview ? html`<p class="notice" role="note" id="preview-notice">${t('portal.preview')}</p>` : ''}
${renderNotice(t, o.notice)}
${o.error ? html`<p class="error" role="alert" id="page-error">${o.error}</p>` : ''}
${renderSurvey(view, o)}
${renderThread(view, o)}
${o.preview ? '' : renderReply(view, o)}
${o.preview ? '' : renderClose(view, o)}
${o.preview ? '' : renderDiscordSection(t, o.discord, o.base)}`,
    { scripts: o.preview ? [] : PORTAL_SCRIPTS, brandColor: view.account.brandColor },
  );
}

export function renderPortalNotFound(locale: PortalLocale): string {
  const { t } = locale;
  return renderPortalPage(
    locale,
    t('survey.notFoundTitle'),
    html`<h1>${t('survey.notFoundHeading')}</h1><p>${t('portal.notFoundText')}</p>`,
  );
}
