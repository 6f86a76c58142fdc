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
import { t, tNodes } from '../../lib/i18n';
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
        <h2 id="reviews-title">{t('csat.reviews.title')}</h2>
        <a className="button" href={reviewsCsvUrl(projectId, scope, filters)} download>
          {t('csat.reviews.csv')}
        </a>
      </div>
      <p className="muted small">{t('csat.reviews.scope')}</p>
      <search className="review-filters">
        <fieldset className="segmented">
          <legend>{t('csat.reviews.rating')}</legend>
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
          {t('csat.reviews.withComment')}
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={followUp === 'open'}
            onChange={(e) => onFollowUpChange(e.target.checked ? 'open' : undefined)}
          />{' '}
          {t('csat.reviews.needsFollowUp')}
        </label>
        <div className="field field-search">
          <label htmlFor="review-search">{t('csat.reviews.search')}</label>
          <input id="review-search" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} />
        </div>
      </search>
      {reviews.isPending && <p role="status">{t('csat.reviews.loading')}</p>}
      {reviews.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(reviews.error)}
        </p>
      )}
      {reviews.isSuccess && rows.length === 0 && <p className="empty">{t('csat.reviews.empty')}</p>}
      <ol className="review-list" aria-label={t('csat.reviews.title')}>
        {rows.map((r) => (
          <li key={r.surveyId} className={`review rating-${r.rating}`}>
            <div className="review-head">
              <Stars rating={r.rating} />
              {r.ticket.deleted || !r.ticket.id ? (
                <span>
                  {r.ticket.reference} · {r.ticket.subject}{' '}
                  <span className="badge">{t('csat.reviews.deleted')}</span>
                </span>
              ) : (
                <Link href={paths.ticket(projectId, r.ticket.id)}>
                  {r.ticket.reference} · {r.ticket.subject}
                </Link>
              )}
            </div>
            {r.reason && <p className="review-reason">{t('csat.reviews.reason', { reason: r.reason })}</p>}
            {r.comment ? (
              <blockquote>{r.comment}</blockquote>
            ) : (
              <p className="muted">{t('csat.reviews.noComment')}</p>
            )}
            <p className="muted small">
              {r.requester.name} ·{' '}
              {r.agent ? t('csat.reviews.agent', { name: r.agent.name }) : t('csat.reviews.noAgent')} ·{' '}
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
          {reviews.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
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
        {tNodes(
          'csat.followUp.done',
          { time: <time dateTime={followUp.doneAt}>{formatDateTime(followUp.doneAt)}</time> },
          { name: followUp.doneBy?.name ?? t('csat.followUp.formerMember') },
        )}
        {followUp.note && <>: {followUp.note}</>}
      </p>
    );
  }
  if (!canFollowUp) return <p className="follow-up is-open">{t('csat.followUp.needed')}</p>;
  return (
    <form
      className="follow-up is-open"
      onSubmit={(e) => {
        e.preventDefault();
        complete.mutate({ surveyId: review.surveyId, note });
      }}
    >
      <label htmlFor={noteId}>{t('csat.followUp.note')}</label>
      <input id={noteId} value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" disabled={complete.isPending}>
        {t('csat.followUp.submit')}
      </button>
      <FormStatus error={complete.error} />
    </form>
  );
}
