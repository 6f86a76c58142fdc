import { type FormEvent, useState } from 'react';
import type { CsatScope } from '../../api/csat';
import { useMembers } from '../../api/settings';
import { CHANNEL_LABELS } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';

const PRESETS = [
  { id: '7d', label: t('csat.filters.days', { count: 7 }) },
  { id: '30d', label: t('csat.filters.days', { count: 30 }) },
  { id: '90d', label: t('csat.filters.days', { count: 90 }) },
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
    <form className="period-picker" onSubmit={applyCustom} aria-label={t('csat.filters.label')}>
      <fieldset className="segmented">
        <legend>{t('csat.filters.period')}</legend>
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
          {t('csat.filters.custom')}
        </label>
      </fieldset>
      {custom && (
        <div className="inline-fields custom-range">
          <label htmlFor="period-from">{t('csat.filters.from')}</label>
          <input
            id="period-from"
            type="date"
            required
            value={from}
            max={to}
            onChange={(e) => setFrom(e.target.value)}
          />
          <label htmlFor="period-to">{t('csat.filters.to')}</label>
          <input
            id="period-to"
            type="date"
            required
            value={to}
            min={from}
            onChange={(e) => setTo(e.target.value)}
          />
          <button type="submit">{t('csat.filters.apply')}</button>
        </div>
      )}
      <div className="inline-fields">
        <label htmlFor="csat-agent">{t('csat.filters.agent')}</label>
        <select
          id="csat-agent"
          value={scope.agentId ?? ''}
          onChange={(e) => onChange({ ...scope, agentId: e.target.value || undefined })}
        >
          <option value="">{t('csat.filters.allAgents')}</option>
          <option value="none">{t('csat.filters.noAgent')}</option>
          {members.data?.members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </select>
        <label htmlFor="csat-channel">{t('csat.filters.channel')}</label>
        <select
          id="csat-channel"
          value={scope.channel ?? ''}
          onChange={(e) => onChange({ ...scope, channel: e.target.value || undefined })}
        >
          <option value="">{t('csat.filters.allChannels')}</option>
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
