import { type FormEvent, useState } from 'react';
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from '../../api/account';
import { describeError } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { t, tNodes } from '../../lib/i18n';
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
      <h1>{t('apiTokens.title')}</h1>
      <p className="muted">{tNodes('apiTokens.intro', { header: <code>Authorization: Bearer …</code> })}</p>
      <form className="card form" onSubmit={submit} aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t('apiTokens.new')}</h2>
        <label htmlFor="token-name">{t('apiTokens.name')}</label>
        <input
          id="token-name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="primary" disabled={create.isPending}>
          {t('apiTokens.create')}
        </button>
        <FormStatus error={create.error} />
        {create.data && (
          <div className="notice secret" role="status">
            <p>
              <strong>{t('apiTokens.copyNow', { name: create.data.name })}</strong> {t('apiTokens.shownOnce')}
            </p>
            <label htmlFor="token-secret">{t('apiTokens.token')}</label>
            <input id="token-secret" readOnly value={create.data.token} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => navigator.clipboard?.writeText(create.data?.token ?? '')}>
              {t('apiTokens.copy')}
            </button>
          </div>
        )}
      </form>
      <section className="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t('apiTokens.list')}</h2>
        {tokens.isError && (
          <p className="notice notice-error" role="alert">
            {describeError(tokens.error)}
          </p>
        )}
        {tokens.data?.tokens.length === 0 && <p className="muted">{t('apiTokens.none')}</p>}
        {!!tokens.data?.tokens.length && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('apiTokens.column.name')}</th>
                  <th scope="col">{t('apiTokens.column.created')}</th>
                  <th scope="col">{t('apiTokens.column.lastUsed')}</th>
                  <th scope="col">{t('apiTokens.column.state')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.tokens.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>{formatDateTime(token.createdAt)}</td>
                    <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t('apiTokens.never')}</td>
                    <td>
                      {token.revokedAt ? (
                        t('apiTokens.revoked', { date: formatDateTime(token.revokedAt) })
                      ) : (
                        <button
                          type="button"
                          className="link-button danger"
                          onClick={() => {
                            if (window.confirm(t('apiTokens.revokeConfirm', { name: token.name })))
                              revoke.mutate(token.id);
                          }}
                        >
                          {t('apiTokens.revoke')} <span className="visually-hidden">{token.name}</span>
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
