import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import { useCsatSettings, useSaveCsatSettings } from '../../api/settings';
import type { CsatSettings } from '../../api/types';
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
  if (!draft) return <p role="status">Loading…</p>;

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
      <h2 id="csat-settings-title">CSAT surveys</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(e) => setDraft({ ...draft, enabled: e.target.checked })}
        />{' '}
        Send a survey when a ticket is resolved
      </label>
      <label htmlFor="csat-expiry">Days a customer has to answer (1–30)</label>
      <input
        id="csat-expiry"
        type="number"
        min={1}
        max={30}
        required
        value={draft.expiryDays}
        onChange={(e) => setDraft({ ...draft, expiryDays: Number(e.target.value) })}
      />
      <label htmlFor="csat-invitation">Invitation text</label>
      <textarea
        id="csat-invitation"
        rows={3}
        maxLength={500}
        required
        value={draft.invitationText}
        onChange={(e) => setDraft({ ...draft, invitationText: e.target.value })}
      />
      <label htmlFor="csat-threshold">Low score: this many stars or fewer</label>
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
      <p className="muted small">
        A low score tells the credited agent and members with the “csat.follow_up” permission, in the app and
        by mail, and waits for a follow-up in the reviews.
      </p>
      <label htmlFor="csat-reasons">Reasons offered on a low score (one per line, optional)</label>
      <textarea
        id="csat-reasons"
        rows={4}
        value={reasons}
        onChange={(e) => setReasons(e.target.value)}
        aria-describedby="csat-reasons-hint"
      />
      <p className="muted small" id="csat-reasons-hint">
        Up to 10, each up to 50 characters. Customers see them as written here, in every language, on the
        survey page, the portal and in Discord, only when their rating is a low score. Leave empty to offer
        none.
      </p>
      <button type="submit" className="primary" disabled={save.isPending}>
        Save
      </button>
      <FormStatus error={save.error} success={save.isSuccess && 'Saved.'} />
    </form>
  );
}
