import { useEffect, useRef, useState } from 'react';
import { ACTIVE_STATUSES, PRIORITIES, STATUSES } from '../../../../shared/tickets';
import { useMembers } from '../../api/settings';
import { PRIORITY_LABELS, STATUS_LABELS } from '../../lib/format';
import { useProject } from '../../lib/session';
import type { InboxState } from './inbox-filters';

interface Props {
  state: InboxState;
  onChange: (change: Partial<InboxState>) => void;
}

/** Typing waits for a pause before it filters; selects apply at once. */
function useDebounced(value: string, apply: (v: string) => void, delay = 300) {
  const [draft, setDraft] = useState(value);
  const latestApply = useRef(apply);
  latestApply.current = apply;
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const timer = setTimeout(() => latestApply.current(draft), delay);
    return () => clearTimeout(timer);
  }, [draft, value, delay]);
  return [draft, setDraft] as const;
}

export function InboxFilters({ state, onChange }: Props) {
  const project = useProject();
  const members = useMembers(project.id);
  const [q, setQ] = useDebounced(state.q, (v) => onChange({ q: v }));
  const [tag, setTag] = useDebounced(state.tag, (v) => onChange({ tag: v }));

  return (
    <search className="filters">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onChange({ q, tag });
        }}
      >
        <div className="field field-search">
          <label htmlFor="inbox-search">Search</label>
          <input
            id="inbox-search"
            type="search"
            placeholder="Subject or reference (press /)"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-status">Status</label>
          <select
            id="filter-status"
            value={state.status}
            onChange={(e) => onChange({ status: e.target.value })}
          >
            <option value="">Any status</option>
            <option value={ACTIVE_STATUSES.join(',')}>Any active status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-priority">Priority</label>
          <select
            id="filter-priority"
            value={state.priority}
            onChange={(e) => onChange({ priority: e.target.value })}
          >
            <option value="">Any priority</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        {state.view === 'all' && (
          <div className="field">
            <label htmlFor="filter-assignee">Assignee</label>
            <select
              id="filter-assignee"
              value={state.assignee}
              onChange={(e) => onChange({ assignee: e.target.value })}
            >
              <option value="">Anyone</option>
              <option value="none">Nobody</option>
              {members.data?.members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="filter-tag">Tag</label>
          <input id="filter-tag" type="text" value={tag} onChange={(e) => setTag(e.target.value)} />
        </div>
      </form>
    </search>
  );
}
