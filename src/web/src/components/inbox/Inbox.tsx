import { Link, useLocation, useSearch } from 'wouter';
import { useTickets } from '../../api/tickets';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { InboxFilters } from './InboxFilters';
import { type InboxState, readInboxState, toApiFilters, type View, writeInboxState } from './inbox-filters';
import { TicketList } from './TicketList';

const VIEWS: { id: View; label: string }[] = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'all', label: 'All' },
];

export function Inbox() {
  const project = useProject();
  const canViewAll = has(project, 'tickets.view_all');
  const search = useSearch();
  const [, navigate] = useLocation();
  const state = readInboxState(search, canViewAll);
  const tickets = useTickets(project.id, toApiFilters(state));

  const update = (change: Partial<InboxState>) =>
    navigate(paths.inbox(project.id, writeInboxState({ ...state, ...change })), { replace: true });
  const views = canViewAll ? VIEWS : VIEWS.filter((v) => v.id === 'mine');

  return (
    <section aria-labelledby="inbox-title" className="inbox">
      <div className="page-head">
        <h1 id="inbox-title">Inbox</h1>
        {has(project, 'tickets.create') && (
          <Link href={paths.newTicket(project.id)} className="button primary">
            New ticket
          </Link>
        )}
        <p className="muted keys-hint">
          <kbd>j</kbd>/<kbd>k</kbd> or arrows to move, <kbd>Enter</kbd> to open, <kbd>/</kbd> to search
        </p>
      </div>
      <nav aria-label="Views" className="views">
        {views.map((v) => (
          <button
            key={v.id}
            type="button"
            className="view-tab"
            aria-pressed={state.view === v.id}
            onClick={() => update({ view: v.id, assignee: '' })}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <InboxFilters state={state} onChange={update} />
      <TicketList
        projectId={project.id}
        query={tickets}
        emptyText={state.view === 'mine' ? 'No ticket is assigned to you here.' : 'No ticket matches.'}
      />
    </section>
  );
}
