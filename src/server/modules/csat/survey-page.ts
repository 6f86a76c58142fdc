import type { Translate } from '../../../shared/i18n/index.js';
import { html, type RawHtml, raw, renderPage } from '../../lib/html.js';
import { type PageLocale, renderLanguageSwitcher } from '../../lib/language.js';
import { type CaptchaStart, renderCaptchaWidget } from '../spam/index.js';
import { MAX_COMMENT_LENGTH } from './csat.schemas.js';

export interface SurveyPageData {
  locale: PageLocale;
  accountName: string;
  logoUrl: string | null;
  brandColor: string | null;
  reference: string;
  subject: string;
}

function header(d: SurveyPageData): RawHtml {
  return html`<header class="brand">${d.logoUrl ? html`<img src="${d.logoUrl}" alt="">` : ''}<span>${d.accountName}</span></header>
<p class="muted">${d.reference} · ${d.subject}</p>`;
}

const localePage = (
  title: string,
  locale: PageLocale,
  body: RawHtml,
  options: { scripts?: string[]; brandColor?: string | null } = {},
) =>
  renderPage(
    title,
    html`<main>${body}</main>
<footer>${renderLanguageSwitcher(locale.t, locale.language, locale.switchAction)}</footer>`,
    { lang: locale.language, ...options },
  );

const page = (title: string, d: SurveyPageData, body: RawHtml, scripts?: string[]) =>
  localePage(title, d.locale, html`${header(d)}${body}`, {
    brandColor: d.brandColor,
    ...(scripts && { scripts }),
  });

const starText = (t: Translate, n: number) => t('survey.stars', { count: n });

/** A star drawn, not typed: its fill shows the state, and no text colour is involved. */
const STAR_ICON = raw(
  '<svg aria-hidden="true" focusable="false" viewBox="0 0 24 24"><path d="M12 2.6l2.9 6.1 6.7.8-4.9 4.6 1.3 6.6L12 17.4l-6 3.3 1.3-6.6-4.9-4.6 6.7-.8z"/></svg>',
);

export interface SurveyFormState {
  action: string;
  rating?: number | undefined;
  comment?: string | undefined;
  /** How the customer reached the survey page ('link' | 'email'); the portal records its own channel. */
  via?: string | undefined;
  /** The project's low-score reasons and threshold; no reasons, no fieldset. */
  lowScore?: { threshold: number; reasons: string[] } | undefined;
  reason?: string | undefined;
  error?: string | undefined;
}

/**
 * The reasons, for a rating at or below the threshold: shown to browsers without JavaScript (the
 * legend says when they apply), hidden by /assets/survey.js above the threshold. The labels are the
 * project's own words, shown as written in every language.
 */
function renderReasons(t: Translate, form: SurveyFormState): RawHtml {
  const low = form.lowScore;
  if (!low?.reasons.length) return html``;
  const option = (id: string, value: string, label: string) =>
    html`<div class="reason"><input type="radio" id="${id}" name="reason" value="${value}"${(form.reason ?? '') === value ? html` checked` : ''}><label for="${id}">${label}</label></div>`;
  return html`<fieldset class="reasons" id="reasons" data-threshold="${low.threshold}">
    <legend>${t('survey.reason', { count: low.threshold })} <span class="muted">${t('survey.optional')}</span></legend>
    ${option('reason-none', '', t('survey.reasonNone'))}
    ${low.reasons.map((r, i) => option(`reason-${i + 1}`, r, r))}
  </fieldset>`;
}

/**
 * The one-step form: 1–5 stars (native radios: keyboard and screen-reader operable), comment, captcha,
 * submit. The survey page wraps it in a page; the portal embeds it in the ticket page (it then needs
 * the scripts /assets/altcha.js and /assets/survey.js).
 */
export function renderSurveyFormFields(
  t: Translate,
  form: SurveyFormState,
  captchaStart: CaptchaStart = 'onload',
): RawHtml {
  const stars = [1, 2, 3, 4, 5].map(
    (n) =>
      html`<input type="radio" id="rating-${n}" name="rating" value="${n}" required${form.rating === n ? html` checked` : ''}><label for="rating-${n}" title="${starText(t, n)}">${STAR_ICON}<span class="sr">${starText(t, n)}</span></label>`,
  );
  return html`${form.error ? html`<p class="error" role="alert" id="form-error">${form.error}</p>` : ''}
<form method="post" action="${form.action}" id="survey-form">
  <fieldset class="stars">
    <legend>${t('survey.rating')}</legend>
    <div class="row">${stars}</div>
  </fieldset>
  ${renderReasons(t, form)}
  <label for="comment">${t('survey.comment')} <span class="muted">${t('survey.optional')}</span></label>
  <textarea id="comment" name="comment" rows="4" maxlength="${MAX_COMMENT_LENGTH}" aria-describedby="comment-count">${form.comment ?? ''}</textarea>
  <p class="counter muted" id="comment-count" aria-live="polite" data-max="${MAX_COMMENT_LENGTH}">${form.comment?.length ?? 0} / ${MAX_COMMENT_LENGTH}</p>
  <div class="hp" aria-hidden="true"><label for="website">${t('survey.spamField')}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
  ${form.via ? html`<input type="hidden" name="via" value="${form.via}">` : ''}
  ${renderCaptchaWidget(captchaStart)}
  <noscript><p>${t('survey.noscript')}</p></noscript>
  <button type="submit">${t('survey.submit')}</button>
</form>`;
}

export function renderSurveyForm(d: SurveyPageData, form: SurveyFormState & { via: string }): string {
  const { t } = d.locale;
  return page(
    t('survey.title'),
    d,
    html`<h1>${t('survey.title')}</h1>
${renderSurveyFormFields(t, form)}`,
    ['/assets/altcha.js', '/assets/survey.js'],
  );
}

/** After an answer: the rating, the comment as typed (escaped), and the way back to the ticket. */
export function renderSurveyThanks(
  d: SurveyPageData,
  answer: { rating: number; comment: string | null },
  ticketUrl: string,
): string {
  const { t } = d.locale;
  const [before = '', after = ''] = t('survey.thanksRating').split('{rating}');
  return page(
    t('survey.thanksTitle'),
    d,
    html`<h1>${t('survey.thanksHeading')}</h1><p>${before}<strong>${starText(t, answer.rating)}</strong>${after}</p>
${answer.comment ? html`<blockquote id="submitted-comment">${answer.comment}</blockquote>` : ''}
<p><a href="${ticketUrl}" id="ticket-link">${t('survey.backToTicket', { reference: d.reference })}</a></p>`,
  );
}

export function renderSurveyAnswered(
  d: SurveyPageData,
  answer: { rating: number; comment: string | null },
): string {
  const { t } = d.locale;
  return page(
    t('survey.answeredTitle'),
    d,
    html`<h1>${t('survey.answeredHeading')}</h1>
<p>${t('survey.answeredRating')} <span class="given" role="img" aria-label="${starText(t, answer.rating)}">${'★'.repeat(answer.rating)}${'☆'.repeat(5 - answer.rating)}</span></p>
${answer.comment ? html`<blockquote id="previous-comment">${answer.comment}</blockquote>` : ''}`,
  );
}

export function renderSurveyExpired(d: SurveyPageData): string {
  const { t } = d.locale;
  return page(
    t('survey.expiredTitle'),
    d,
    html`<h1>${t('survey.expiredHeading')}</h1><p>${t('survey.expiredText')}</p>`,
  );
}

export function renderSurveyWithdrawn(locale: PageLocale): string {
  const { t } = locale;
  return localePage(
    t('survey.withdrawnTitle'),
    locale,
    html`<h1>${t('survey.withdrawnHeading')}</h1><p id="withdrawn">${t('survey.withdrawnText')}</p>`,
  );
}

export function renderSurveyNotFound(locale: PageLocale): string {
  const { t } = locale;
  return localePage(
    t('survey.notFoundTitle'),
    locale,
    html`<h1>${t('survey.notFoundHeading')}</h1><p>${t('survey.notFoundText')}</p>`,
  );
}
