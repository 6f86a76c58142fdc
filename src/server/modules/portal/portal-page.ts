import { formatSize } from '../../../shared/format-size.js';
import { DEFAULT_LANGUAGE, translator } from '../../../shared/i18n/index.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { html, type RawHtml, raw, renderPage } from '../../lib/html.js';
import { renderSurveyFormFields, SURVEY_STYLE } from '../csat/index.js';
import type { PortalDiscordState } from '../discord/index.js';
import type { PortalTicketView } from './portal.service.js';

export const PORTAL_STYLE = `${SURVEY_STYLE}
  body { max-width: 44rem; }
  .topbar { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
  .meta { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 1rem 0; }
  .meta dt { font-weight: 600; }
  .meta dd { margin: 0; }
  .notice { border: 1px solid var(--accent); padding: .5rem 1rem; border-radius: 4px; }
  .thread { list-style: none; padding: 0; }
  .thread li { border-top: 1px solid #8884; padding: .75rem 0; }
  .thread .system { font-size: .9rem; opacity: .8; font-style: italic; }
  .thread .byline { font-size: .875rem; opacity: .75; margin: 0 0 .25rem; }
  section { margin-top: 2rem; }
  select { width: 100%; padding: .5rem; font: inherit; }
  .badge { display: inline-block; min-width: 1.4em; padding: 0 .4em; border-radius: 1em; background: var(--accent);
    color: #fff; text-align: center; font-size: .85rem; }
  .badge[data-count="0"] { background: #8886; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: left; padding: .35rem .5rem .35rem 0; border-bottom: 1px solid #8884; }
  .unread { font-weight: 700; color: var(--accent); }
  .inline { display: inline; }
  .inline button { margin: 0; }
`;

export const PORTAL_SCRIPTS = ['/assets/altcha.js', '/assets/survey.js'];

/** A timestamp in UTC; an ISO string holds nothing to escape (a page may show hundreds of them). */
export const formatTime = (d: Date) => {
  const iso = d.toISOString();
  return raw(`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`);
};

export function brandHeader(account: { name: string; logoUrl: string | null }, aside?: RawHtml): RawHtml {
  return html`<div class="topbar"><header class="brand">${account.logoUrl ? html`<img src="${account.logoUrl}" alt="">` : ''}<span>${account.name}</span></header>${aside ?? ''}</div>`;
}

/** The honeypot and the captcha every public form ends with; ids are per form (a page can hold two). */
export function spamFields(idPrefix: string): RawHtml {
  return html`<div class="hp" aria-hidden="true"><label for="${idPrefix}-website">Website</label><input id="${idPrefix}-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
  <altcha-widget challenge="/api/v1/captcha/challenge" name="altcha" auto="onload"></altcha-widget>
  <noscript><p>The spam check needs JavaScript; please enable it to send this form.</p></noscript>`;
}

export const NOTICES = {
  reply: 'Your reply was sent.',
  closure: 'You asked us to close this ticket. Tell us how we did below.',
  closed: 'Your ticket is closed.',
  survey: 'Thank you for your rating!',
  created: 'Your ticket was opened. We will get back to you here.',
  discord_linked: 'Your Discord account is linked: we will send you direct messages there.',
  discord_moved:
    'Your Discord account is linked here now. It was linked to another of our customers before, which no longer gets its direct messages.',
  discord_unlinked: 'Your Discord account is no longer linked. We write to you by email.',
} as const;
export type Notice = keyof typeof NOTICES;

/**
 * The notice a `?done=` value names, if any. An own-property check: `toString`, `constructor` or
 * `__proto__` are properties of every object, not notices.
 */
export const noticeOf = (done: string | undefined): Notice | undefined =>
  done !== undefined && Object.hasOwn(NOTICES, done) ? (done as Notice) : undefined;

export interface TicketPageOptions {
  /** Where this page lives: `/p/{token}` or `/portal/{accountId}/tickets/{ticketId}`; forms post below it. */
  base: string;
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
export function renderDiscordSection(state: PortalDiscordState | undefined, base: string): RawHtml {
  if (!state) return html``;
  const link = state.link;
  const body = link
    ? html`<p id="discord-linked">Linked to Discord as <strong>${link.discordUsername}</strong>.</p>
${link.dmUndeliverableAt ? html`<p class="error" role="alert" id="discord-undeliverable">Discord does not let us send you direct messages${link.dmUndeliverableReason ? html` (${link.dmUndeliverableReason})` : ''}, so we write to you by email. To get them on Discord: join our team's Discord server, and allow direct messages from its members (the server's Privacy Settings), then link Discord again.</p>` : ''}
<form method="post" action="${base}/discord/unlink" id="discord-unlink-form"><button type="submit">Unlink Discord</button></form>`
    : html`<p>Get our survey invitations and reply notices as Discord direct messages.</p>
<form method="post" action="${base}/discord/link" id="discord-link-form"><button type="submit">Link Discord</button></form>`;
  return html`<section id="discord" aria-labelledby="discord-title"><h2 id="discord-title">Discord</h2>${body}</section>`;
}

function renderFiles(files: PortalTicketView['thread'][number]['attachments'], o: TicketPageOptions) {
  if (files.length === 0) return '';
  const url = (id: string) => (o.preview ? `/api/v1/attachments/${id}` : `${o.base}/attachments/${id}`);
  const items = files.map(
    (f) =>
      html`<li><a href="${url(f.id)}">${f.filename}</a> <span class="muted">(${formatSize(f.size)})</span></li>`,
  );
  return html`<ul class="files" aria-label="Attached files">${items}</ul>`;
}

function renderThread(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  const items = view.thread.map((m) =>
    m.kind === 'system'
      ? html`<li class="system" id="m-${m.id}">${raw(m.bodyHtml)}<p class="byline">${formatTime(m.createdAt)}</p></li>`
      : html`<li class="public" id="m-${m.id}"><p class="byline"><strong>${m.author?.name ?? 'Support'}</strong>${m.author?.type === 'requester' ? ' (you)' : ''} · ${formatTime(m.createdAt)}</p>${raw(m.bodyHtml)}${renderFiles(m.attachments, o)}</li>`,
  );
  return html`<section id="thread" aria-labelledby="thread-title"><h2 id="thread-title">Conversation</h2><ol class="thread">${items}</ol></section>`;
}

function renderReply(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  if (!view.abilities.reply) {
    return html`<section id="reply"><p class="notice" id="closed-notice" role="status">This ticket is closed and takes no more replies. ${o.homeUrl ? html`<a href="${o.homeUrl}">Open a new ticket</a> if you need more help.` : 'Open a new ticket if you need more help.'}</p></section>`;
  }
  return html`<section id="reply" aria-labelledby="reply-title"><h2 id="reply-title">Reply</h2>
${o.reply ? html`<p class="error" role="alert" id="reply-error">${o.reply.error}</p>` : ''}
<form method="post" action="${o.base}/reply" id="reply-form" enctype="multipart/form-data">
  <label for="reply-body">Your message <span class="muted">(Markdown, at most 10,000 characters)</span></label>
  <textarea id="reply-body" name="body" rows="6" maxlength="${MAX_MESSAGE_LENGTH}" required>${o.reply?.body ?? ''}</textarea>
  ${spamFields('reply')}
  <label for="reply-files">Attach files <span class="muted">(optional)</span></label>
  <input type="file" id="reply-files" name="files" multiple>
  <button type="submit">Send reply</button>
</form></section>`;
}

function renderClose(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  if (view.abilities.closeNow) {
    return html`<section id="close"><form method="post" action="${o.base}/close" id="close-form">
  <p>This ticket closes by itself${view.ticket.closesAt ? html` on ${formatTime(view.ticket.closesAt)}` : ''}. Nothing left to do?</p>
  <button type="submit">Close it now</button></form></section>`;
  }
  if (view.abilities.requestClosure) {
    return html`<section id="close"><form method="post" action="${o.base}/close" id="close-form">
  <p>Is everything sorted out?</p>
  <button type="submit">Close my ticket</button></form></section>`;
  }
  return html``;
}

function renderSurvey(view: PortalTicketView, o: TicketPageOptions): RawHtml {
  if (!view.survey) return html``;
  if (o.preview) {
    return html`<section id="survey"><h2>How did we do?</h2><p class="muted">The requester sees the survey form here.</p></section>`;
  }
  return html`<section id="survey" aria-labelledby="survey-title"><h2 id="survey-title">How did we do?</h2>
${renderSurveyFormFields(translator(DEFAULT_LANGUAGE), {
  action: `${o.base}/survey`,
  lowScore: view.survey.lowScore,
  ...o.survey,
})}</section>`;
}

/** The ticket page: brand, subject, reference, status, priority, survey, thread, reply form, closing. */
export function renderTicketPage(view: PortalTicketView, o: TicketPageOptions): string {
  const home = o.homeUrl ? html`<a href="${o.homeUrl}">Your tickets</a>` : undefined;
  return renderPage(
    view.ticket.subject,
    html`<main>${brandHeader(view.account, home)}
<h1>${view.ticket.subject}</h1>
<dl class="meta">
  <dt>Reference</dt><dd id="reference">${view.ticket.reference}</dd>
  <dt>Status</dt><dd id="status">${view.ticket.statusLabel}</dd>
  <dt>Priority</dt><dd id="priority">${view.ticket.priority[0]?.toUpperCase()}${view.ticket.priority.slice(1)}</dd>
</dl>
${o.preview ? html`<p class="notice" role="note" id="preview-notice">Preview: what the requester sees of this ticket. Nothing can be sent from here.</p>` : ''}
${o.notice ? html`<p class="notice" role="status" id="notice">${NOTICES[o.notice]}</p>` : ''}
${o.error ? html`<p class="error" role="alert" id="page-error">${o.error}</p>` : ''}
${renderSurvey(view, o)}
${renderThread(view, o)}
${o.preview ? '' : renderReply(view, o)}
${o.preview ? '' : renderClose(view, o)}
${o.preview ? '' : renderDiscordSection(o.discord, o.base)}
</main>`,
    { style: PORTAL_STYLE, scripts: o.preview ? [] : PORTAL_SCRIPTS },
  );
}

export function renderPortalNotFound(): string {
  return renderPage(
    'Not found',
    html`<main><h1>This link is not valid</h1><p>Check that you copied the whole link from your email. If it worked before, ask us for a new one: links can be replaced.</p></main>`,
    { style: PORTAL_STYLE },
  );
}
