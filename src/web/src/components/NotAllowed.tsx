import { t } from '../lib/i18n';

/** Shown when someone follows a link to a screen their role does not include. */
export function NotAllowed({ what }: { what: string }) {
  return (
    <section aria-labelledby="not-allowed">
      <h1 id="not-allowed">{t('notAllowed.title')}</h1>
      <p>{t('notAllowed.text', { what })}</p>
    </section>
  );
}
