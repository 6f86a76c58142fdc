import { type FormEvent, useState } from 'react';
import type { CsatScope } from '../../api/csat';
import { useMembers } from '../../api/settings';
import { CHANNEL_LABELS } from '../../lib/format';
import { useProject } from '../../lib/session';

const PRESETS = [
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' },
  { id: '90d', label: '90 days' },
] as const;

const today = () => new Date().toISOString().slice(0, 10);

/** Period (a preset or a custom range) plus the agent and channel filters every panel shares. */
export function PeriodPicker({ scope, onChange }: { scope: CsatScope; onChange: (s: CsatScope) => void }) {
  const project = useProject();
  const members = useMembers(project.id);
  const [custom, setCustom] = useState(!scope.preset);
  const [from, setFrom] = useState(scope.from ?? '');
  const [to, setTo] = useState(scope.to ?? today());

  const applyCustom = (event: FormEvent) => {
    event.preventDefault();
    if (from && to) onChange({ ...scope, preset: '', from, to });
  };

  return (
    <form className="period-picker" onSubmit={applyCustom} aria-label="Period and filters">
      <fieldset className="segmented">
        <legend>Period</legend>
        {PRESETS.map((p) => (
          <label key={p.id} className={!custom && scope.preset === p.id ? 'is-on' : undefined}>
            <input
              type="radio"
              name="period"
              checked={!custom && scope.preset === p.id}
              onChange={() => {
                setCustom(false);
                onChange({ ...scope, preset: p.id, from: undefined, to: undefined });
              }}
            />
            {p.label}
          </label>
        ))}
        <label className={custom ? 'is-on' : undefined}>
          <input type="radio" name="period" checked={custom} onChange={() => setCustom(true)} />
          Custom
        </label>
      </fieldset>
      {custom && (
        <div className="inline-fields custom-range">
          <label htmlFor="period-from">From</label>
          <input
            id="period-from"
            type="date"
            required
            value={from}
            max={to}
            onChange={(e) => setFrom(e.target.value)}
          />
          <label htmlFor="period-to">To</label>
          <input
            id="period-to"
            type="date"
            required
            value={to}
            min={from}
            onChange={(e) => setTo(e.target.value)}
          />
          <button type="submit">Apply</button>
        </div>
      )}
      <div className="inline-fields">
        <label htmlFor="csat-agent">Agent</label>
        <select
          id="csat-agent"
          value={scope.agentId ?? ''}
          onChange={(e) => onChange({ ...scope, agentId: e.target.value || undefined })}
        >
          <option value="">All agents</option>
          <option value="none">Nobody (unassigned)</option>
          {members.data?.members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </select>
        <label htmlFor="csat-channel">Channel</label>
        <select
          id="csat-channel"
          value={scope.channel ?? ''}
          onChange={(e) => onChange({ ...scope, channel: e.target.value || undefined })}
        >
          <option value="">All channels</option>
          {Object.entries(CHANNEL_LABELS).map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
