import { Link, useLocation, useSearch } from 'wouter';
import { useTickets } from '../../api/tickets';
import { t, tNodes } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { InboxFilters } from './InboxFilters';
import { type InboxState, readInboxState, toApiFilters, type View, writeInboxState } from './inbox-filters';
import { TicketList } from './TicketList';

const VIEWS: { id: View; label: string }[] = [
  { id: 'mine', label: t('inbox.view.mine') },
  { id: 'unassigned', label: t('inbox.view.unassigned') },
  { id: 'all', label: t('inbox.view.all') },
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
        <h1 id="inbox-title">{t('inbox.title')}</h1>
        {has(project, 'tickets.create') && (
          <Link href={paths.newTicket(project.id)} className="button primary">
            {t('inbox.newTicket')}
          </Link>
        )}
        <p className="muted keys-hint">
          {tNodes('inbox.keysHint', {
            down: <kbd>j</kbd>,
            up: <kbd>k</kbd>,
            open: <kbd>Enter</kbd>,
            search: <kbd>/</kbd>,
          })}
        </p>
      </div>
      <nav aria-label={t('inbox.views')} className="views">
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
        emptyText={state.view === 'mine' ? t('inbox.emptyMine') : t('inbox.empty')}
      />
    </section>
  );
}
