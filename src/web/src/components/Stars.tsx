import { stars } from '../lib/format';
import { t } from '../lib/i18n';

/** Read as "4 out of 5 stars", shown as ★★★★☆. */
export const Stars = ({ rating }: { rating: number }) => (
  <span className="stars" role="img" aria-label={t('stars.label', { rating })}>
    {stars(rating)}
  </span>
);
