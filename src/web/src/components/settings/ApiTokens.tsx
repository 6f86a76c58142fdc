import { type FormEvent, useState } from 'react';
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from '../../api/account';
import { describeError } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { FormStatus } from '../FormStatus';

/** Personal tokens for integrations: the secret is shown once, right after creation. */
export function ApiTokens() {
  const tokens = useApiTokens();
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [name, setName] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(name, { onSuccess: () => setName('') });
  };

  return (
    <div className="settings">
      <h1>API tokens</h1>
      <p className="muted">
        Send a token as <code>Authorization: Bearer …</code>. It acts as you, with your permissions.
      </p>
      <form className="card form" onSubmit={submit} aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <label htmlFor="token-name">Name (what it is for)</label>
        <input
          id="token-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
        <FormStatus error={create.error} />
        {create.data && (
          <div className="notice secret" role="status">
            <p>
              <strong>Copy the token “{create.data.name}” now:</strong> it will not be shown again.
            </p>
            <label htmlFor="token-secret">Token</label>
            <input id="token-secret" readOnly value={create.data.token} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => navigator.clipboard?.writeText(create.data?.token ?? '')}>
              Copy
            </button>
          </div>
        )}
      </form>
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Your tokens</h2>
        {tokens.isError && (
          <p className="notice notice-error" role="alert">
            {describeError(tokens.error)}
          </p>
        )}
        {tokens.data?.tokens.length === 0 && <p className="muted">No token yet.</p>}
        {!!tokens.data?.tokens.length && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.tokens.map((t) => (
                  <tr key={t.id}>
                    <td>{t.name}</td>
                    <td>{formatDateTime(t.createdAt)}</td>
                    <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt) : 'Never'}</td>
                    <td>
                      {t.revokedAt ? (
                        `Revoked ${formatDateTime(t.revokedAt)}`
                      ) : (
                        <button
                          type="button"
                          className="link-button danger"
                          onClick={() => {
                            if (window.confirm(`Revoke the token “${t.name}”?`)) revoke.mutate(t.id);
                          }}
                        >
                          Revoke <span className="visually-hidden">{t.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <FormStatus error={revoke.error} />
      </section>
    </div>
  );
}
