import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { describeError } from '../../api/client';
import { type CsatScope, type ReviewFilters, reviewsCsvUrl, useCsatReviews } from '../../api/csat';
import { CHANNEL_LABELS, formatDateTime } from '../../lib/format';
import { paths } from '../../lib/paths';
import { Stars } from '../Stars';

/** Every answer of the period, newest first; the CSV holds exactly the rows these filters select. */
export function ReviewList({ projectId, scope }: { projectId: string; scope: CsatScope }) {
  const [ratings, setRatings] = useState<number[]>([]);
  const [hasComment, setHasComment] = useState(false);
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(draft.trim()), 300);
    return () => clearTimeout(timer);
  }, [draft]);

  const filters: ReviewFilters = {
    rating: ratings.length ? [...ratings].sort().join(',') : undefined,
    hasComment: hasComment || undefined,
    q: q || undefined,
  };
  const reviews = useCsatReviews(projectId, scope, filters);
  const rows = reviews.data?.pages.flatMap((p) => p.reviews) ?? [];

  return (
    <section aria-labelledby="reviews-title" className="card reviews">
      <div className="section-head">
        <h2 id="reviews-title">Reviews</h2>
        <a className="button" href={reviewsCsvUrl(projectId, scope, filters)} download>
          Download CSV
        </a>
      </div>
      <p className="muted small">The period, agent and channel chosen above apply here too.</p>
      <search className="review-filters">
        <fieldset className="segmented">
          <legend>Rating</legend>
          {[1, 2, 3, 4, 5].map((r) => (
            <label key={r} className={ratings.includes(r) ? 'is-on' : undefined}>
              <input
                type="checkbox"
                checked={ratings.includes(r)}
                onChange={(e) =>
                  setRatings(e.target.checked ? [...ratings, r] : ratings.filter((x) => x !== r))
                }
              />
              {r}★
            </label>
          ))}
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={hasComment} onChange={(e) => setHasComment(e.target.checked)} />{' '}
          With a comment only
        </label>
        <div className="field field-search">
          <label htmlFor="review-search">Search comments, subjects and requesters</label>
          <input id="review-search" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
      </search>
      {reviews.isPending && <p role="status">Loading reviews…</p>}
      {reviews.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(reviews.error)}
        </p>
      )}
      {reviews.isSuccess && rows.length === 0 && <p className="empty">No review matches.</p>}
      <ol className="review-list" aria-label="Reviews">
        {rows.map((r) => (
          <li key={r.surveyId} className={`review rating-${r.rating}`}>
            <div className="review-head">
              <Stars rating={r.rating} />
              {r.ticket.deleted || !r.ticket.id ? (
                <span>
                  {r.ticket.reference} · {r.ticket.subject} <span className="badge">deleted</span>
                </span>
              ) : (
                <Link href={paths.ticket(projectId, r.ticket.id)}>
                  {r.ticket.reference} · {r.ticket.subject}
                </Link>
              )}
            </div>
            {r.comment ? <blockquote>{r.comment}</blockquote> : <p className="muted">No comment.</p>}
            <p className="muted small">
              {r.requester.name} · {r.agent ? `agent ${r.agent.name}` : 'no agent'} ·{' '}
              <time dateTime={r.submittedAt}>{formatDateTime(r.submittedAt)}</time>
              {r.channel && ` · ${CHANNEL_LABELS[r.channel]}`}
            </p>
          </li>
        ))}
      </ol>
      {reviews.hasNextPage && (
        <button
          type="button"
          className="load-more"
          onClick={() => reviews.fetchNextPage()}
          disabled={reviews.isFetchingNextPage}
        >
          {reviews.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
