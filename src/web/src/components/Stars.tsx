import { stars } from '../lib/format';

/** Read as "4 out of 5 stars", shown as ★★★★☆. */
export const Stars = ({ rating }: { rating: number }) => (
  <span className="stars" role="img" aria-label={`${rating} out of 5 stars`}>
    {stars(rating)}
  </span>
);
