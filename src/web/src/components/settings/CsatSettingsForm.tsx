import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import { useCsatSettings, useSaveCsatSettings } from '../../api/settings';
import type { CsatSettings } from '../../api/types';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

export function CsatSettingsForm() {
  const project = useProject();
  const query = useCsatSettings(project.id);
  const save = useSaveCsatSettings(project.id);
  const [draft, setDraft] = useState<CsatSettings | null>(null);
  const [reasons, setReasons] = useState('');
  useEffect(() => {
    if (query.data) {
      setDraft(query.data);
      setReasons(query.data.lowScoreReasons.join('\n'));
    }
  }, [query.data]);

  if (query.isError)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(query.error)}
      </p>
    );
  if (!draft) return <p role="status">{t('common.loading')}</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const lowScoreReasons = reasons
      .split('\n')
      .map((r) => r.trim())
      .filter(Boolean);
    save.mutate({ ...draft, lowScoreReasons });
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="csat-settings-title">
      <h2 id="csat-settings-title">{t('settings.csat.title')}</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
        />{' '}
        {t('settings.csat.enabled')}
      </label>
      <label htmlFor="csat-expiry">{t('settings.csat.expiry')}</label>
      <input
        id="csat-expiry"
        type="number"
        min={1}
        max={30}
        required
        value={draft.expiryDays}
        onChange={(e) => setDraft({ ...draft, expiryDays: Number(e.target.value) })}
      />
      <label htmlFor="csat-invitation">{t('settings.csat.invitation')}</label>
      <textarea
        id="csat-invitation"
        rows={3}
        maxLength={500}
        required
        value={draft.invitationText}
        onChange={(e) => setDraft({ ...draft, invitationText: e.target.value })}
      />
      <label htmlFor="csat-threshold">{t('settings.csat.threshold')}</label>
      <select
        id="csat-threshold"
        value={draft.lowScoreThreshold}
        onChange={(e) => setDraft({ ...draft, lowScoreThreshold: Number(e.target.value) })}
      >
        {[1, 2, 3, 4].map((n) => (
          <option key={n} value={n}>
            {n}★
          </option>
        ))}
      </select>
      <p className="muted small">{t('settings.csat.thresholdHint')}</p>
      <label htmlFor="csat-reasons">{t('settings.csat.reasons')}</label>
      <textarea
        id="csat-reasons"
        rows={4}
        value={reasons}
        onChange={(e) => setReasons(e.target.value)}
        aria-describedby="csat-reasons-hint"
      />
      <p className="muted small" id="csat-reasons-hint">
        {t('settings.csat.reasonsHint')}
      </p>
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('settings.save')}
      </button>
      <FormStatus error={save.error} success={save.isSuccess && t('settings.saved')} />
    </form>
  );
}
