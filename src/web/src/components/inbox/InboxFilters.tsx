import { useEffect, useRef, useState } from 'react';
import { ACTIVE_STATUSES, PRIORITIES, STATUSES } from '../../../../shared/tickets';
import { useMembers } from '../../api/settings';
import { PRIORITY_LABELS, STATUS_LABELS } from '../../lib/format';
import { t } from '../../lib/i18n';
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
          <label htmlFor="inbox-search">{t('inbox.filter.search')}</label>
          <input
            id="inbox-search"
            type="search"
            placeholder={t('inbox.filter.searchPlaceholder')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-status">{t('inbox.filter.status')}</label>
          <select
            id="filter-status"
            value={state.status}
            onChange={(e) => onChange({ status: e.target.value })}
          >
            <option value="">{t('inbox.filter.anyStatus')}</option>
            <option value={ACTIVE_STATUSES.join(',')}>{t('inbox.filter.anyActiveStatus')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-priority">{t('inbox.filter.priority')}</label>
          <select
            id="filter-priority"
            value={state.priority}
            onChange={(e) => onChange({ priority: e.target.value })}
          >
            <option value="">{t('inbox.filter.anyPriority')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {PRIORITY_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        {state.view === 'all' && (
          <div className="field">
            <label htmlFor="filter-assignee">{t('inbox.filter.assignee')}</label>
            <select
              id="filter-assignee"
              value={state.assignee}
              onChange={(e) => onChange({ assignee: e.target.value })}
            >
              <option value="">{t('inbox.filter.anyone')}</option>
              <option value="none">{t('inbox.filter.nobody')}</option>
              {members.data?.members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="filter-tag">{t('inbox.filter.tag')}</label>
          <input id="filter-tag" type="text" value={tag} onChange={(e) => setTag(e.target.value)} />
        </div>
      </form>
    </search>
  );
}
