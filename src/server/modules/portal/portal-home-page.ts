import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { html, type RawHtml } from '../../lib/html.js';
import { withMarkup } from '../../lib/language.js';
import type { PortalDiscordState } from '../discord/index.js';
import type { AccountBrand, PortalHome, SignInLinkState } from './portal-customer.service.js';
import {
  brandHeader,
  formatTime,
  type Notice,
  PORTAL_SCRIPTS,
  type PortalLocale,
  renderDiscordSection,
  renderNotice,
  renderPortalPage,
  spamFields,
} from './portal-page.js';
import { formPath } from './request-form-page.js';

export function renderSignInPage(
  account: AccountBrand,
  locale: PortalLocale,
  form: { email?: string; error?: string; sent?: boolean; requestFormUrl?: string | undefined } = {},
): string {
  const { t } = locale;
  const requestLink = form.requestFormUrl
    ? html`<p id="request-form-link">${withMarkup(t('portal.signIn.newHere'), 'link', html`<a href="${form.requestFormUrl}">${t('portal.signIn.requestLink')}</a>`)}</p>`
    : '';
  return renderPortalPage(
    locale,
    t('portal.signIn.title'),
    html`${brandHeader(account)}
<h1>${t('portal.signIn.heading')}</h1>
${form.sent ? html`<p class="notice" role="status" id="sign-in-sent">${t('portal.signIn.sent')}</p>` : ''}
${form.error ? html`<p class="error" role="alert" id="sign-in-error">${form.error}</p>` : ''}
<p>${t('portal.signIn.intro')}</p>
<form method="post" action="/portal/${account.id}/sign-in" id="sign-in-form">
  <label for="email">${t('portal.signIn.email')}</label>
  <input id="email" name="email" type="email" autocomplete="email" required maxlength="320" value="${form.email ?? ''}">
  <button type="submit">${form.sent ? t('portal.signIn.again') : t('portal.signIn.submit')}</button>
</form>
${requestLink}`,
    { brandColor: account.brandColor },
  );
}

const LINK_STATE_KEYS = {
  used: 'portal.signIn.used',
  expired: 'portal.signIn.expired',
  invalid: 'portal.signIn.invalid',
} as const;

/** Opening the link only shows this button: mail scanners follow links, and a GET must not spend it. */
export function renderSignInConfirm(
  account: AccountBrand,
  locale: PortalLocale,
  action: string,
  state: SignInLinkState,
): string {
  const { t } = locale;
  if (state !== 'valid') {
    const askNew = html`<a href="/portal/${account.id}">${t('portal.signIn.askNewLink')}</a>`;
    return renderPortalPage(
      locale,
      t('portal.signIn.linkTitle'),
      html`${brandHeader(account)}<h1>${t(LINK_STATE_KEYS[state])}</h1>
<p>${withMarkup(t('portal.signIn.askNew'), 'link', askNew)}</p>`,
      { brandColor: account.brandColor },
    );
  }
  return renderPortalPage(
    locale,
    t('portal.signIn.title'),
    html`${brandHeader(account)}<h1>${t('portal.signIn.confirmHeading')}</h1>
<form method="post" action="${action}" id="sign-in-confirm"><button type="submit">${t('portal.signIn.title')}</button></form>`,
    { brandColor: account.brandColor },
  );
}

type Bell = PortalHome['bell'];

function renderBell(locale: PortalLocale, id: string, title: string, bell: Bell): RawHtml {
  const { t } = locale;
  const items = bell.items.map((item) => {
    const ticket = `${item.ticket.reference} · ${item.ticket.subject}`;
    const text =
      item.kind === 'survey' ? t('portal.home.rate', { ticket }) : t('portal.home.newReply', { ticket });
    return html`<li class="bell-item ${item.kind}"><a href="${item.url}">${text}</a> <span class="muted">${formatTime(locale, item.createdAt)}</span></li>`;
  });
  const badge = html`<span class="badge" data-count="${bell.count}" aria-label="${t('portal.home.unreadCount', { count: bell.count })}">${bell.count}</span>`;
  return html`<div class="bell" id="${id}"><h2>${title} ${badge}</h2>${bell.count ? html`<ul>${items}</ul>` : html`<p class="muted">${t('portal.home.nothingNew')}</p>`}</div>`;
}

export interface NewTicketForm {
  projectId?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  error?: string | undefined;
}

function renderNewTicket(
  locale: PortalLocale,
  accountId: string,
  home: PortalHome,
  form: NewTicketForm,
): RawHtml {
  const { t, language } = locale;
  const [only] = home.projects;
  const projectField =
    home.projects.length === 1 && only
      ? html`<input type="hidden" name="projectId" value="${only.id}">`
      : html`<label for="new-project">${t('portal.home.project')}</label><select id="new-project" name="projectId" required>${home.projects.map(
          (p) =>
            html`<option value="${p.id}"${form.projectId === p.id ? html` selected` : ''}>${p.name}</option>`,
        )}</select>`;
  const max = new Intl.NumberFormat(language).format(MAX_MESSAGE_LENGTH);
  return html`<section id="new-ticket" aria-labelledby="new-ticket-title"><h2 id="new-ticket-title">${t('portal.home.newTicket')}</h2>
${form.error ? html`<p class="error" role="alert" id="new-ticket-error">${form.error}</p>` : ''}
<form method="post" action="/portal/${accountId}/tickets" id="new-ticket-form">
  ${projectField}
  <label for="new-subject">${t('portal.home.subject')}</label>
  <input id="new-subject" name="subject" type="text" required maxlength="300" value="${form.subject ?? ''}">
  <label for="new-body">${t('portal.home.message')} <span class="muted">${t('form.messageHint', { max })}</span></label>
  <textarea id="new-body" name="body" rows="6" required maxlength="${MAX_MESSAGE_LENGTH}">${form.body ?? ''}</textarea>
  ${spamFields(t, 'new')}
  <button type="submit">${t('portal.home.submit')}</button>
</form></section>`;
}

/** The portal home: global bell, then per project its bell and the customer's tickets, then a new-ticket form. */
export function renderHomePage(
  account: AccountBrand,
  locale: PortalLocale,
  home: PortalHome,
  options: { notice?: Notice | undefined; newTicket?: NewTicketForm; discord?: PortalDiscordState } = {},
): string {
  const { t } = locale;
  const signOut = html`<form method="post" action="/portal/${account.id}/sign-out" class="inline"><span class="muted">${home.customer.email}</span> <button type="submit">${t('portal.home.signOut')}</button></form>`;
  const unread = html`<span class="unread" title="${t('portal.home.unreadTitle')}">● ${t('portal.home.new')}</span>`;
  const projects = home.projects.map((project) => {
    const tickets = home.tickets.filter((ticket) => ticket.projectId === project.id);
    const rows = tickets.map(
      (ticket) =>
        html`<tr class="ticket${ticket.unread ? ' has-unread' : ''}" data-ticket="${ticket.id}"><td><a href="${ticket.url}">${ticket.reference}</a></td><td>${ticket.subject}</td><td>${t(`status.${ticket.status}`)}</td><td>${formatTime(locale, ticket.lastActivityAt)}</td><td>${ticket.unread ? unread : ''}</td></tr>`,
    );
    return html`<section class="project" id="project-${project.id}">
${renderBell(locale, `bell-${project.id}`, project.name, project.bell)}
<p><a href="${formPath(account.id, project.id)}" class="request-form-link">${t('portal.home.requestAbout', { project: project.name })}</a> <span class="muted">${t('portal.home.requestHint')}</span></p>
${tickets.length ? html`<table><thead><tr><th>${t('portal.reference')}</th><th>${t('portal.home.subject')}</th><th>${t('portal.status')}</th><th>${t('portal.home.lastUpdate')}</th><th><span class="sr">${t('portal.home.unread')}</span></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="muted">${t('portal.home.noTickets')}</p>`}
</section>`;
  });
  return renderPortalPage(
    locale,
    t('portal.yourTickets'),
    html`${brandHeader(account, signOut)}
<h1>${t('portal.yourTickets')}</h1>
${renderNotice(t, options.notice)}
${renderBell(locale, 'bell', t('portal.home.notifications'), home.bell)}
${projects}
${renderNewTicket(locale, account.id, home, options.newTicket ?? {})}
${renderDiscordSection(t, options.discord, `/portal/${account.id}`)}`,
    { scripts: PORTAL_SCRIPTS, brandColor: account.brandColor },
  );
}

export function renderPortalMissing(locale: PortalLocale): string {
  const { t } = locale;
  return renderPortalPage(
    locale,
    t('survey.notFoundTitle'),
    html`<h1>${t('portal.missingHeading')}</h1><p>${t('form.notFoundText')}</p>`,
  );
}
