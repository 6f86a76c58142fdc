import { type Language, type Translate, translator } from '../../../shared/i18n/index.js';
import { MAX_MESSAGE_LENGTH } from '../../../shared/tickets.js';
import { html, type RawHtml, renderPage } from '../../lib/html.js';
import { renderLanguageSwitcher } from '../../lib/language.js';
import { renderCaptchaWidget } from '../spam/index.js';
import { MAX_SUBJECT_LENGTH } from './portal.schemas.js';
import type { AccountBrand } from './portal-customer.service.js';
import { brandHeader, PORTAL_SCRIPTS } from './portal-page.js';

/** The form's page in one language: whose form, for which project, and who is signed in. */
export interface RequestFormPage {
  account: AccountBrand;
  project: { id: string; name: string };
  language: Language;
  /** A signed-in customer: name and email come from their record and cannot be changed here. */
  customer?: { name: string; email: string } | undefined;
}

/** What was typed, shown again with the reason of a refusal. */
export interface RequestFormState {
  name?: string | undefined;
  email?: string | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  error?: string | undefined;
}

export const formPath = (accountId: string, projectId: string) =>
  `/portal/${accountId}/new?project=${encodeURIComponent(projectId)}`;

export const formSwitchPath = (accountId: string, projectId: string | undefined) =>
  `/portal/${accountId}/new/language${projectId ? `?project=${encodeURIComponent(projectId)}` : ''}`;

const count = (language: Language, n: number) => new Intl.NumberFormat(language).format(n);

const megabytes = (language: Language, bytes: number) =>
  new Intl.NumberFormat(language, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(
    bytes / 1024 / 1024,
  );

/** The attachment limits as the form states them: per file and for all files of a request. */
export const attachmentLimits = (
  language: Language,
  limits: { maxFileBytes: number; maxMessageBytes: number },
) => ({ size: megabytes(language, limits.maxFileBytes), total: megabytes(language, limits.maxMessageBytes) });

function page(
  t: Translate,
  title: string,
  language: Language,
  switchAction: string,
  body: RawHtml,
  options: { scripts?: string[]; brandColor?: string | null } = {},
) {
  return renderPage(
    title,
    html`<main>${body}</main>
<footer>${renderLanguageSwitcher(t, language, switchAction)}</footer>`,
    { lang: language, ...options },
  );
}

/**
 * The public request form: name, email, subject, message, the honeypot, the captcha and then the
 * files (a multipart body carries the text fields first, the files after them).
 */
export function renderRequestForm(
  p: RequestFormPage,
  form: RequestFormState,
  limits: { maxFileBytes: number; maxMessageBytes: number },
): string {
  const t = translator(p.language);
  const fixed = p.customer ? html` readonly aria-describedby="request-fixed"` : '';
  const name = p.customer?.name ?? form.name ?? '';
  const email = p.customer?.email ?? form.email ?? '';
  return page(
    t,
    t('form.title'),
    p.language,
    formSwitchPath(p.account.id, p.project.id),
    html`${brandHeader(p.account)}
<h1>${t('form.heading')}</h1>
<p class="muted" id="project-name">${p.project.name}</p>
<p>${t('form.intro')}</p>
${form.error ? html`<p class="error" role="alert" id="request-error">${form.error}</p>` : ''}
<form method="post" action="${formPath(p.account.id, p.project.id)}" id="request-form" enctype="multipart/form-data">
  <label for="request-name">${t('form.name')}</label>
  <input id="request-name" name="name" type="text" autocomplete="name" required maxlength="200" value="${name}"${fixed}>
  <label for="request-email">${t('form.email')}</label>
  <input id="request-email" name="email" type="email" autocomplete="email" required maxlength="320" value="${email}"${fixed}>
  ${p.customer ? html`<p class="muted" id="request-fixed">${t('form.fixed')}</p>` : ''}
  <label for="request-subject">${t('form.subject')}</label>
  <input id="request-subject" name="subject" type="text" required maxlength="${MAX_SUBJECT_LENGTH}" value="${form.subject ?? ''}">
  <label for="request-body">${t('form.message')} <span class="muted">${t('form.messageHint', { max: count(p.language, MAX_MESSAGE_LENGTH) })}</span></label>
  <textarea id="request-body" name="body" rows="8" required maxlength="${MAX_MESSAGE_LENGTH}">${form.body ?? ''}</textarea>
  <div class="hp" aria-hidden="true"><label for="request-website">${t('survey.spamField')}</label><input id="request-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
  ${renderCaptchaWidget('onload')}
  <noscript><p>${t('form.noscript')}</p></noscript>
  <label for="request-files">${t('form.attachments')} <span class="muted">${t('form.attachmentsHint', attachmentLimits(p.language, limits))}</span></label>
  <input id="request-files" name="attachments" type="file" multiple>
  <button type="submit">${t('form.submit')}</button>
</form>`,
    { scripts: PORTAL_SCRIPTS, brandColor: p.account.brandColor },
  );
}

/**
 * After a request, real or discarded alike: thanks, and the mail on its way (when the project sends
 * acknowledgements). Never the ticket or its link: whoever typed the address may not be its owner.
 */
export function renderRequestSent(p: RequestFormPage, acknowledged: boolean): string {
  const t = translator(p.language);
  const back = p.customer
    ? html`<a href="/portal/${p.account.id}" id="portal-home">${t('form.thanksHome')}</a>`
    : html`<a href="${formPath(p.account.id, p.project.id)}" id="another-request">${t('form.another')}</a>`;
  return page(
    t,
    t('form.thanksTitle'),
    p.language,
    formSwitchPath(p.account.id, p.project.id),
    html`${brandHeader(p.account)}
<h1>${t('form.thanksHeading')}</h1>
<p class="notice" role="status" id="request-sent">${t(acknowledged ? 'form.thanksText' : 'form.thanksNoMail')}</p>
<p>${back}</p>`,
    { brandColor: p.account.brandColor },
  );
}

export function renderFormNotFound(language: Language, switchAction: string): string {
  const t = translator(language);
  return page(
    t,
    t('form.notFoundTitle'),
    language,
    switchAction,
    html`<h1>${t('form.notFoundHeading')}</h1><p>${t('form.notFoundText')}</p>`,
  );
}
