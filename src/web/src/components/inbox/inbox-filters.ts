import type { TicketFilters } from '../../api/tickets';

export type View = 'mine' | 'unassigned' | 'all';

export interface InboxState {
  view: View;
  status: string;
  priority: string;
  assignee: string;
  tag: string;
  q: string;
}

/** The inbox keeps its view and filters in the address, so "back" from a ticket restores them. */
export function readInboxState(search: string, canViewAll: boolean): InboxState {
  const params = new URLSearchParams(search);
  const asked = params.get('view');
  const view: View = !canViewAll ? 'mine' : asked === 'mine' || asked === 'unassigned' ? asked : 'all';
  return {
    view,
    status: params.get('status') ?? '',
    priority: params.get('priority') ?? '',
    assignee: view === 'all' ? (params.get('assignee') ?? '') : '',
    tag: params.get('tag') ?? '',
    q: params.get('q') ?? '',
  };
}

export function writeInboxState(state: InboxState): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) if (value) params.set(key, value);
  return params.toString();
}

export function toApiFilters(state: InboxState): TicketFilters {
  const assignee = state.view === 'mine' ? 'me' : state.view === 'unassigned' ? 'none' : state.assignee;
  return {
    assignee: assignee || undefined,
    status: state.status || undefined,
    priority: state.priority || undefined,
    tag: state.tag.trim() || undefined,
    q: state.q.trim() || undefined,
  };
}
