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
  useEffect(() => {
    if (query.data) setDraft(query.data);
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
    save.mutate(draft);
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
      <button type="submit" className="primary" disabled={save.isPending}>
        Save
      </button>
      <FormStatus error={save.error} success={save.isSuccess && 'Saved.'} />
    </form>
  );
}
