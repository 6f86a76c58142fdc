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
        Clearline POSTs the chosen events, signed with <code>Clearline-Signature</code>, to each endpoint. See
        docs/webhooks.md for the format and how to verify the signature.
      </p>
      <form className="card form" onSubmit={submit} aria-labelledby="new-webhook-title">
        <h2 id="new-webhook-title">New endpoint</h2>
        <label htmlFor="webhook-url">URL (https://…)</label>
        <input
          id="webhook-url"
          type="url"
          required
          maxLength={2000}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((e) => (
            <label key={e} className="checkbox">
              <input type="checkbox" checked={events.includes(e)} onChange={() => toggle(e)} />{' '}
              <code>{e}</code>
            </label>
          ))}
          <label className="checkbox">
            <input type="checkbox" checked={notes} onChange={(e) => setNotes(e.target.checked)} /> Include
            internal notes in <code>message.created</code>
          </label>
        </fieldset>
        <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
          Add endpoint
        </button>
        <FormStatus error={create.error} />
        {create.data && (
          <div className="notice secret" role="status">
            <p>
              <strong>Signing secret of {create.data.url}:</strong> you can show it again here later.
            </p>
            <label htmlFor="webhook-secret">Secret</label>
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
      {endpoints.data?.endpoints.length === 0 && <p className="muted">No endpoint yet.</p>}
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
        {endpoint.enabled ? 'Enabled' : `Disabled ${formatDateTime(endpoint.disabledAt)}`}
        {endpoint.failingSince && ` · failing since ${formatDateTime(endpoint.failingSince)}`} ·{' '}
        {endpoint.events.join(', ')}
        {endpoint.includeInternalNotes && ' (with internal notes)'}
      </p>
      {endpoint.disabledForFailures && (
        <p className="notice" role="status">
          Clearline disabled this endpoint: every delivery failed for three days (the account owner was
          mailed). Check the delivery log, fix the receiver, then enable it again.
        </p>
      )}
      <div className="actions">
        <button type="button" onClick={() => update.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
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
          Show secret
        </button>
        <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
          Delivery log
        </button>
        <button
          type="button"
          className="link-button danger"
          onClick={() => {
            if (window.confirm(`Delete the endpoint ${endpoint.url}?`)) remove.mutate(endpoint.id);
          }}
        >
          Delete
        </button>
      </div>
      {secret && (
        <>
          <label htmlFor={`${titleId}-secret`}>Secret</label>
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
  if (!deliveries.data) return <p role="status">Loading…</p>;
  if (!deliveries.data.deliveries.length) return <p className="muted">Nothing sent yet.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Last attempt</th>
            <th scope="col">Answer</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
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
                  {d.status} ({d.attempts} {d.attempts === 1 ? 'attempt' : 'attempts'})
                  {d.lastError && <div className="muted">{d.lastError}</div>}
                </td>
                <td>{last ? `${last.statusCode ?? 'no answer'} in ${last.durationMs} ms` : '—'}</td>
                <td>
                  <code>{last?.excerpt ?? ''}</code>
                </td>
                <td>
                  <button type="button" disabled={resend.isPending} onClick={() => resend.mutate(d.id)}>
                    Send again
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <FormStatus error={resend.error} success={resend.isSuccess && 'Queued again.'} />
    </div>
  );
}
