import { type FormEvent, useState } from 'react';
import {
  fetchWebhookSecret,
  useCreateWebhook,
  useDeleteWebhook,
  useResendWebhook,
  useUpdateWebhook,
  useWebhookDeliveries,
  useWebhookEndpoints,
  WEBHOOK_EVENTS,
  type WebhookEndpoint,
  type WebhookEvent,
} from '../../api/webhooks';
import { formatDateTime } from '../../lib/format';
import { t, tNodes } from '../../lib/i18n';
import { FormStatus } from '../FormStatus';

/** The account's webhook endpoints (account owner): register, secret, enable, delivery log, send again. */
export function WebhooksSettings() {
  const endpoints = useWebhookEndpoints();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['ticket.created']);
  const [notes, setNotes] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ url, events, includeInternalNotes: notes }, { onSuccess: () => setUrl('') });
  };
  const toggle = (e: WebhookEvent) =>
    setEvents((current) => (current.includes(e) ? current.filter((x) => x !== e) : [...current, e]));

  return (
    <>
      <p className="muted">
        {tNodes('settings.webhooks.intro', { header: <code>Clearline-Signature</code> })}
      </p>
      <form className="card form" onSubmit={submit} aria-labelledby="new-webhook-title">
        <h2 id="new-webhook-title">{t('settings.webhooks.new')}</h2>
        <label htmlFor="webhook-url">{t('settings.webhooks.url')}</label>
        <input
          id="webhook-url"
          type="url"
          required
          maxLength={2000}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <fieldset>
          <legend>{t('settings.webhooks.events')}</legend>
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="checkbox">
              <input type="checkbox" checked={events.includes(e)} onChange={() => toggle(e)} />{' '}
              <code>{e}</code>
            </label>
          ))}
          <label className="checkbox">
            <input type="checkbox" checked={notes} onChange={(e) => setNotes(e.target.checked)} />{' '}
            {tNodes('settings.webhooks.includeNotes', { event: <code>message.created</code> })}
          </label>
        </fieldset>
        <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
          {t('settings.webhooks.add')}
        </button>
        <FormStatus error={create.error} />
        {create.data && (
          <div className="notice secret" role="status">
            <p>
              <strong>{t('settings.webhooks.secretOf', { url: create.data.url })}</strong>{' '}
              {t('settings.webhooks.secretAgain')}
            </p>
            <label htmlFor="webhook-secret">{t('settings.webhooks.secret')}</label>
            <input
              id="webhook-secret"
              readOnly
              value={create.data.secret}
              onFocus={(e) => e.target.select()}
            />
          </div>
        )}
      </form>
      {endpoints.isError && <FormStatus error={endpoints.error} />}
      {endpoints.data?.endpoints.length === 0 && <p className="muted">{t('settings.webhooks.none')}</p>}
      {endpoints.data?.endpoints.map((e) => (
        <Endpoint key={e.id} endpoint={e} />
      ))}
    </>
  );
}

function Endpoint({ endpoint }: { endpoint: WebhookEndpoint }) {
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const [secret, setSecret] = useState<string | null>(null);
  const [secretError, setSecretError] = useState<unknown>(null);
  const [open, setOpen] = useState(false);
  const titleId = `webhook-${endpoint.id}`;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId}>{endpoint.url}</h2>
      <p>
        {endpoint.enabled
          ? t('settings.webhooks.enabled')
          : t('settings.webhooks.disabled', { date: formatDateTime(endpoint.disabledAt) })}
        {endpoint.failingSince &&
          ` · ${t('settings.webhooks.failingSince', { date: formatDateTime(endpoint.failingSince) })}`}{' '}
        · {endpoint.events.join(', ')}
        {endpoint.includeInternalNotes && ` ${t('settings.webhooks.withNotes')}`}
      </p>
      {endpoint.disabledForFailures && (
        <p className="notice" role="status">
          {t('settings.webhooks.disabledForFailures')}
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}>
          {endpoint.enabled ? t('settings.webhooks.disable') : t('settings.webhooks.enable')}
        </button>
        <button
          type="button"
          onClick={() =>
            fetchWebhookSecret(endpoint.id).then(
              (r) => setSecret(r.secret),
              (err) => setSecretError(err),
            )
          }
        >
          {t('settings.webhooks.showSecret')}
        </button>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          {t('settings.webhooks.log')}
        </button>
        <button
          type="button"
          className="link-button danger"
          onClick={() => {
            if (window.confirm(t('settings.webhooks.deleteConfirm', { url: endpoint.url })))
              remove.mutate(endpoint.id);
          }}
        >
          {t('settings.webhooks.delete')}
        </button>
      </div>
      {secret && (
        <>
          <label htmlFor={`${titleId}-secret`}>{t('settings.webhooks.secret')}</label>
          <input id={`${titleId}-secret`} readOnly value={secret} onFocus={(e) => e.target.select()} />
        </>
      )}
      <FormStatus error={update.error ?? remove.error ?? secretError} />
      {open && <DeliveryLog endpointId={endpoint.id} />}
    </section>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const deliveries = useWebhookDeliveries(endpointId);
  const resend = useResendWebhook(endpointId);
  if (deliveries.isError) return <FormStatus error={deliveries.error} />;
  if (!deliveries.data) return <p role="status">{t('common.loading')}</p>;
  if (!deliveries.data.deliveries.length) return <p className="muted">{t('settings.webhooks.log.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('settings.webhooks.log.event')}</th>
            <th scope="col">{t('settings.webhooks.log.status')}</th>
            <th scope="col">{t('settings.webhooks.log.lastAttempt')}</th>
            <th scope="col">{t('settings.webhooks.log.answer')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('settings.webhooks.log.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.data.deliveries.map((d) => {
            const last = d.log[0];
            return (
              <tr key={d.id}>
                <td>
                  <code>{d.type}</code>
                  <br />
                  <small>{formatDateTime(d.createdAt)}</small>
                </td>
                <td>
                  {d.status} {t('settings.webhooks.log.attempts', { count: d.attempts })}
                  {d.lastError && <div className="muted">{d.lastError}</div>}
                </td>
                <td>
                  {last
                    ? t('settings.webhooks.log.attempt', {
                        status: last.statusCode ?? t('settings.webhooks.log.noAnswer'),
                        ms: last.durationMs,
                      })
                    : '—'}
                </td>
                <td>
                  <code>{last?.excerpt ?? ''}</code>
                </td>
                <td>
                  <button type="button" disabled={resend.isPending} onClick={() => resend.mutate(d.id)}>
                    {t('settings.webhooks.log.resend')}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FormStatus error={resend.error} success={resend.isSuccess && t('settings.webhooks.log.resent')} />
    </div>
  );
}
