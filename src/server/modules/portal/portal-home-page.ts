import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { html, type RawHtml, renderPage } from '../../lib/html.js';
import type { PortalDiscordState } from '../discord/index.js';
import type { AccountBrand, PortalHome, SignInLinkState } from './portal-customer.service.js';
import {
  brandHeader,
  formatTime,
  NOTICES,
  type Notice,
  PORTAL_SCRIPTS,
  PORTAL_STYLE,
  renderDiscordSection,
  spamFields,
} from './portal-page.js';
import { formPath } from './request-form-page.js';

const page = (title: string, body: RawHtml, scripts?: string[]) =>
  renderPage(title, html`<main>${body}</main>`, { style: PORTAL_STYLE, ...(scripts && { scripts }) });

/** Said after every request, known address or not: the page never tells which. */
export const SIGN_IN_SENT =
  'If we know this address, we sent a sign-in link to it. The link works once, within 15 minutes.';

export function renderSignInPage(
  account: AccountBrand,
  form: { email?: string; error?: string; sent?: boolean; requestFormUrl?: string | undefined } = {},
): string {
  return page(
    'Sign in',
    html`${brandHeader(account)}
<h1>Your support tickets</h1>
${form.sent ? html`<p class="notice" role="status" id="sign-in-sent">${SIGN_IN_SENT}</p>` : ''}
${form.error ? html`<p class="error" role="alert" id="sign-in-error">${form.error}</p>` : ''}
<p>Enter the email address you wrote to us from; we will send you a link to sign in.</p>
<form method="post" action="/portal/${account.id}/sign-in" id="sign-in-form">
  <label for="email">Email address</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="320" value="${form.email ?? ''}">
  <button type="submit">${form.sent ? 'Send another link' : 'Send me a sign-in link'}</button>
</form>
${form.requestFormUrl ? html`<p id="request-form-link">New here? <a href="${form.requestFormUrl}">Send us a request</a>.</p>` : ''}`,
  );
}

/** Opening the link only shows this button: mail scanners follow links, and a GET must not spend it. */
export function renderSignInConfirm(account: AccountBrand, action: string, state: SignInLinkState): string {
  if (state !== 'valid') {
    const why = state === 'used' ? 'was already used' : state === 'expired' ? 'has expired' : 'is not valid';
    return page(
      'Sign-in link',
      html`${brandHeader(account)}<h1>This sign-in link ${why}</h1>
<p><a href="/portal/${account.id}">Ask for a new link</a>; each one works once, within 15 minutes.</p>`,
    );
  }
  return page(
    'Sign in',
    html`${brandHeader(account)}<h1>Sign in to your support tickets</h1>
<form method="post" action="${action}" id="sign-in-confirm"><button type="submit">Sign in</button></form>`,
  );
}

type Bell = PortalHome['bell'];

function renderBell(id: string, title: string, bell: Bell): RawHtml {
  const items = bell.items.map(
    (item) =>
      html`<li class="bell-item ${item.kind}"><a href="${item.url}">${item.kind === 'survey' ? 'Rate our help on' : 'New reply on'} ${item.ticket.reference} · ${item.ticket.subject}</a> <span class="muted">${formatTime(item.createdAt)}</span></li>`,
  );
  const badge = html`<span class="badge" data-count="${bell.count}" aria-label="${bell.count} unread">${bell.count}</span>`;
  return html`<div class="bell" id="${id}"><h2>${title} ${badge}</h2>${bell.count ? html`<ul>${items}</ul>` : html`<p class="muted">Nothing new.</p>`}</div>`;
}

export interface NewTicketForm {
  projectId?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  error?: string | undefined;
}

function renderNewTicket(accountId: string, home: PortalHome, form: NewTicketForm): RawHtml {
  const [only] = home.projects;
  const projectField =
    home.projects.length === 1 && only
      ? html`<input type="hidden" name="projectId" value="${only.id}">`
      : html`<label for="new-project">Project</label><select id="new-project" name="projectId" required>${home.projects.map(
          (p) =>
            html`<option value="${p.id}"${form.projectId === p.id ? html` selected` : ''}>${p.name}</option>`,
        )}</select>`;
  return html`<section id="new-ticket" aria-labelledby="new-ticket-title"><h2 id="new-ticket-title">Open a new ticket</h2>
${form.error ? html`<p class="error" role="alert" id="new-ticket-error">${form.error}</p>` : ''}
<form method="post" action="/portal/${accountId}/tickets" id="new-ticket-form">
  ${projectField}
  <label for="new-subject">Subject</label>
  <input id="new-subject" name="subject" type="text" required maxlength="300" value="${form.subject ?? ''}">
  <label for="new-body">Message <span class="muted">(Markdown, at most 10,000 characters)</span></label>
  <textarea id="new-body" name="body" rows="6" required maxlength="${MAX_MESSAGE_LENGTH}">${form.body ?? ''}</textarea>
  ${spamFields('new')}
  <button type="submit">Open ticket</button>
</form></section>`;
}

/** The portal home: global bell, then per project its bell and the customer's tickets, then a new-ticket form. */
export function renderHomePage(
  account: AccountBrand,
  home: PortalHome,
  options: { notice?: Notice | undefined; newTicket?: NewTicketForm; discord?: PortalDiscordState } = {},
): string {
  const signOut = html`<form method="post" action="/portal/${account.id}/sign-out" class="inline"><span class="muted">${home.customer.email}</span> <button type="submit">Sign out</button></form>`;
  const projects = home.projects.map((project) => {
    const tickets = home.tickets.filter((t) => t.projectId === project.id);
    const rows = tickets.map(
      (t) =>
        html`<tr class="ticket${t.unread ? ' has-unread' : ''}" data-ticket="${t.id}"><td><a href="${t.url}">${t.reference}</a></td><td>${t.subject}</td><td>${t.statusLabel}</td><td>${formatTime(t.lastActivityAt)}</td><td>${t.unread ? html`<span class="unread" title="Unread replies or a survey">● New</span>` : ''}</td></tr>`,
    );
    return html`<section class="project" id="project-${project.id}">
${renderBell(`bell-${project.id}`, project.name, project.bell)}
<p><a href="${formPath(account.id, project.id)}" class="request-form-link">Send a request about ${project.name}</a> <span class="muted">(the public form; share its address)</span></p>
${tickets.length ? html`<table><thead><tr><th>Reference</th><th>Subject</th><th>Status</th><th>Last update</th><th><span class="sr">Unread</span></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">No tickets in this project.</p>`}
</section>`;
  });
  return page(
    'Your tickets',
    html`${brandHeader(account, signOut)}
<h1>Your tickets</h1>
${options.notice ? html`<p class="notice" role="status" id="notice">${NOTICES[options.notice]}</p>` : ''}
${renderBell('bell', 'Notifications', home.bell)}
${projects}
${renderNewTicket(account.id, home, options.newTicket ?? {})}
${renderDiscordSection(options.discord, `/portal/${account.id}`)}`,
    PORTAL_SCRIPTS,
  );
}

export function renderPortalMissing(): string {
  return page('Not found', html`<h1>This portal does not exist</h1><p>Check the address you were given.</p>`);
}
