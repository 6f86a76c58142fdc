import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { describeError } from '../../api/client';
import {
  type CsatScope,
  type ReviewFilters,
  reviewsCsvUrl,
  useCompleteFollowUp,
  useCsatReviews,
} from '../../api/csat';
import type { CsatReview } from '../../api/types';
import { CHANNEL_LABELS, formatDateTime } from '../../lib/format';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';
import { Stars } from '../Stars';

/**
 * Every answer of the period, newest first; the CSV holds exactly the rows these filters select. Low
 * scores show their follow-up, and members with csat.follow_up mark it done (the server checks too).
 */
export function ReviewList({
  projectId,
  scope,
  followUp,
  onFollowUpChange,
}: {
  projectId: string;
  scope: CsatScope;
  followUp: ReviewFilters['followUp'];
  onFollowUpChange: (value: ReviewFilters['followUp']) => void;
}) {
  const canFollowUp = has(useProject(), 'csat.follow_up');
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
    followUp,
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
        <label className="checkbox">
          <input
            type="checkbox"
            checked={followUp === 'open'}
            onChange={(e) => onFollowUpChange(e.target.checked ? 'open' : undefined)}
          />{' '}
          Needs follow-up
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
            {r.reason && <p className="review-reason">Reason: {r.reason}</p>}
            {r.comment ? <blockquote>{r.comment}</blockquote> : <p className="muted">No comment.</p>}
            <p className="muted small">
              {r.requester.name} · {r.agent ? `agent ${r.agent.name}` : 'no agent'} ·{' '}
              <time dateTime={r.submittedAt}>{formatDateTime(r.submittedAt)}</time>
              {r.channel && ` · ${CHANNEL_LABELS[r.channel]}`}
            </p>
            {r.followUp && (
              <FollowUp projectId={projectId} review={r} followUp={r.followUp} canFollowUp={canFollowUp} />
            )}
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

/** A low score's follow-up: done (who, when, the note), or open with the "Follow-up done" form. */
function FollowUp({
  projectId,
  review,
  followUp,
  canFollowUp,
}: {
  projectId: string;
  review: CsatReview;
  followUp: NonNullable<CsatReview['followUp']>;
  canFollowUp: boolean;
}) {
  const complete = useCompleteFollowUp(projectId);
  const [note, setNote] = useState('');
  const noteId = `follow-up-note-${review.surveyId}`;
  if (followUp.doneAt) {
    return (
      <p className="follow-up is-done">
        Followed up by {followUp.doneBy?.name ?? 'a former member'} on{' '}
        <time dateTime={followUp.doneAt}>{formatDateTime(followUp.doneAt)}</time>
        {followUp.note && <>: {followUp.note}</>}
      </p>
    );
  }
  if (!canFollowUp) return <p className="follow-up is-open">Needs a follow-up.</p>;
  return (
    <form
      className="follow-up is-open"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate({ surveyId: review.surveyId, note });
      }}
    >
      <label htmlFor={noteId}>Follow-up note (optional)</label>
      <input id={noteId} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" disabled={complete.isPending}>
        Follow-up done
      </button>
      <FormStatus error={complete.error} />
    </form>
  );
}
