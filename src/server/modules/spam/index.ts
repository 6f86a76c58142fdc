export { purgeCaptchaUsesJob } from './captcha-purge.job.js';
export { type CaptchaStart, renderCaptchaWidget } from './captcha-widget.js';
export { registerSpamRoutes } from './spam.routes.js';
export { type CaptchaChallenge, captchaBodyFields, HONEYPOT_FIELD } from './spam.schemas.js';
export {
  type CaptchaRefusal,
  countHoneypotDiscards,
  createCaptchaChallenge,
  isHoneypotFilled,
  logHoneypotDiscard,
  verifyCaptcha,
} from './spam.service.js';
