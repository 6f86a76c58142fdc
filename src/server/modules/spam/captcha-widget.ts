import { html, type RawHtml } from '../../lib/html.js';

/**
 * When the widget solves its challenge. A page whose one form is why the customer came (the survey,
 * the request form) solves on load, so the check is done before they finish typing. Portal pages,
 * read more than written and holding up to two such forms, solve when a form is first touched: no
 * work for a reader, never two widgets "Verifying…" at once, one challenge per form.
 */
export type CaptchaStart = 'onload' | 'onfocus';

/** The ALTCHA widget of one form; it fills the form's `altcha` field. */
export const renderCaptchaWidget = (start: CaptchaStart): RawHtml =>
  html`<altcha-widget challenge="/api/v1/captcha/challenge" name="altcha" auto="${start}"></altcha-widget>`;
