import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { describeError } from '../../api/client';
import type { TicketSummary } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { PriorityBadge, StatusBadge } from '../Badges';

type Page = { tickets: TicketSummary[]; nextCursor: string | null };

interface Props {
  projectId: string;
  query: UseInfiniteQueryResult<InfiniteData<Page>>;
  emptyText: string;
}

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** j/k or arrows move through the list, Enter opens, / jumps to the search field. */
function useListKeys(count: number, open: (index: number) => void) {
  const [active, setActive] = useState(-1);
  const rows = useRef<(HTMLAnchorElement | null)[]>([]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === '/' && !isTyping(event.target)) {
        event.preventDefault();
        document.getElementById('inbox-search')?.focus();
        return;
      }
      if (isTyping(event.target) || count === 0) return;
      const move = (to: number) => {
        event.preventDefault();
        const next = Math.max(0, Math.min(count - 1, to));
        setActive(next);
        rows.current[next]?.focus();
      };
      if (event.key === 'j' || event.key === 'ArrowDown') move(active + 1);
      else if (event.key === 'k' || event.key === 'ArrowUp') move(active < 0 ? 0 : active - 1);
      else if (event.key === 'Enter' && active >= 0 && !(event.target instanceof HTMLAnchorElement)) {
        event.preventDefault();
        open(active);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, count, open]);

  return { active, setActive, rows };
}

export function TicketList({ projectId, query, emptyText }: Props) {
  const [, navigate] = useLocation();
  const tickets = query.data?.pages.flatMap((p) => p.tickets) ?? [];
  const open = (index: number) => {
    const ticket = tickets[index];
    if (ticket) navigate(paths.ticket(projectId, ticket.id));
  };
  const { active, setActive, rows } = useListKeys(tickets.length, open);

  if (query.isPending) return <p role="status">{t('inbox.loading')}</p>;
  if (query.isError)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(query.error)}
      </p>
    );

  return (
    <div className="ticket-list-wrap">
      <p className="visually-hidden" role="status">
        {t('inbox.shown', { count: tickets.length })}
      </p>
      {tickets.length === 0 ? (
        <p className="empty">{emptyText}</p>
      ) : (
        <ul className="ticket-list" aria-label={t('inbox.list')}>
          {tickets.map((ticket, i) => (
            <li key={ticket.id} className={i === active ? 'is-active' : undefined}>
              <Link
                href={paths.ticket(projectId, ticket.id)}
                ref={(el: HTMLAnchorElement | null) => {
                  rows.current[i] = el;
                }}
                onFocus={() => setActive(i)}
                className="ticket-row"
              >
                <span className="ticket-ref">{ticket.reference}</span>
                <span className="ticket-subject">{ticket.subject}</span>
                <span className="ticket-meta">
                  <StatusBadge status={ticket.status} />
                  <PriorityBadge priority={ticket.priority} />
                  <span>{ticket.requester.name}</span>
                  <span>{ticket.assignee ? `→ ${ticket.assignee.name}` : t('common.unassigned')}</span>
                  {ticket.tags.map((tag) => (
                    <span key={tag} className="tag">
                      #{tag}
                    </span>
                  ))}
                  <span className="muted">
                    <time dateTime={ticket.updatedAt}>{formatDateTime(ticket.updatedAt)}</time>
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {query.hasNextPage && (
        <button
          type="button"
          className="load-more"
          onClick={() => query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {query.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
        </button>
      )}
    </div>
  );
}
