import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import {
  type InboundSettings as Settings,
  useHeldMail,
  useInboundSettings,
  useReviewMail,
  useSaveInboundSettings,
} from '../../api/settings';
import { t, tNodes } from '../../lib/i18n';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

/** The project's inbound address, flood limit and acknowledgement mail, and the mail held for review. */
export function InboundSettings() {
  const project = useProject();
  const query = useInboundSettings(project.id);
  const save = useSaveInboundSettings(project.id);
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => {
    if (query.data) setDraft(query.data);
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
    save.mutate({
      ...draft,
      address: draft.address?.trim() || null,
      acknowledgementText: draft.acknowledgementText?.trim() || null,
    });
  };

  return (
    <>
      <form className="card form" onSubmit={submit} aria-labelledby="inbound-title">
        <h2 id="inbound-title">{t('settings.inbound.title')}</h2>
        <label htmlFor="inbound-address">{t('settings.inbound.address')}</label>
        <input
          id="inbound-address"
          type="email"
          value={draft.address ?? ''}
          onChange={(e) => setDraft({ ...draft, address: e.target.value })}
        />
        <label htmlFor="inbound-limit">{t('settings.inbound.limit')}</label>
        <input
          id="inbound-limit"
          type="number"
          min={1}
          max={10000}
          required
          value={draft.newTicketsPerSenderHour}
          onChange={(e) => setDraft({ ...draft, newTicketsPerSenderHour: Number(e.target.value) })}
        />
        <h3>{t('settings.inbound.acknowledgement')}</h3>
        <label className="checkbox">
          <input
            id="inbound-acknowledge"
            type="checkbox"
            checked={draft.acknowledge}
            onChange={(e) => setDraft({ ...draft, acknowledge: e.target.checked })}
          />{' '}
          {t('settings.inbound.acknowledge')}
        </label>
        <label htmlFor="inbound-acknowledgement-text">{t('settings.inbound.acknowledgementText')}</label>
        <textarea
          id="inbound-acknowledgement-text"
          rows={3}
          maxLength={2000}
          disabled={!draft.acknowledge}
          value={draft.acknowledgementText ?? ''}
          onChange={(e) => setDraft({ ...draft, acknowledgementText: e.target.value })}
        />
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('settings.save')}
        </button>
        <FormStatus error={save.error} success={save.isSuccess && t('settings.saved')} />
      </form>
      {has(project, 'tickets.view_all') && <HeldMail />}
    </>
  );
}

function HeldMail() {
  const project = useProject();
  const held = useHeldMail(project.id);
  const review = useReviewMail(project.id);
  const mails = held.data?.messages ?? [];
  return (
    <section className="card" aria-labelledby="held-title">
      <h2 id="held-title">{t('settings.held.title')}</h2>
      {held.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(held.error)}
        </p>
      )}
      {mails.length === 0 ? (
        <p>{t('settings.held.none')}</p>
      ) : (
        <ul className="held-mail">
          {mails.map((m) => (
            <li key={m.id}>
              {tNodes(
                'settings.held.item',
                { subject: <strong>{m.subject || t('settings.held.noSubject')}</strong> },
                { from: m.from || t('settings.held.unknownSender'), reason: m.reason ?? '' },
              )}{' '}
              <a href={`/api/v1/inbound/messages/${m.id}/raw`} download>
                {t('settings.held.download')}
              </a>{' '}
              {has(project, 'tickets.create') && (
                <>
                  <button type="button" onClick={() => review.mutate({ id: m.id, action: 'release' })}>
                    {t('settings.held.release')}
                  </button>{' '}
                  <button type="button" onClick={() => review.mutate({ id: m.id, action: 'discard' })}>
                    {t('settings.held.discard')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <FormStatus error={review.error} success={review.isSuccess && t('settings.held.done')} />
    </section>
  );
}
