import { type FormEvent, useState } from 'react';
import { useChangePassword, useEndSession, useSessions, useSignOutEverywhere } from '../../api/account';
import { describeError } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { FormStatus } from '../FormStatus';

/** Your password and your sessions: change the one, review and end the others. */
export function AccountPage() {
  return (
    <div className="settings">
      <h1>{t('account.title')}</h1>
      <ChangePassword />
      <Sessions />
    </div>
  );
}

function ChangePassword() {
  const change = useChangePassword();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrent('');
          setNew('');
        },
      },
    );
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="password-title">
      <h2 id="password-title">{t('account.password.title')}</h2>
      <label htmlFor="current-password">{t('account.password.current')}</label>
      <input
        id="current-password"
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <label htmlFor="new-password">{t('account.password.new')}</label>
      <input
        id="new-password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        maxLength={1000}
        value={newPassword}
        onChange={(e) => setNew(e.target.value)}
      />
      <button type="submit" className="primary" disabled={change.isPending}>
        {t('account.password.submit')}
      </button>
      <FormStatus error={change.error} success={change.isSuccess && t('account.password.changed')} />
    </form>
  );
}

function Sessions() {
  const sessions = useSessions();
  const end = useEndSession();
  const everywhere = useSignOutEverywhere();

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t('account.sessions.title')}</h2>
      {sessions.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(sessions.error)}
        </p>
      )}
      {!!sessions.data?.sessions.length && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('account.sessions.device')}</th>
                <th scope="col">{t('account.sessions.address')}</th>
                <th scope="col">{t('account.sessions.signedIn')}</th>
                <th scope="col">{t('account.sessions.lastSeen')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('account.sessions.action')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.userAgent ?? t('account.sessions.unknown')}
                    {s.current && <strong> {t('account.sessions.current')}</strong>}
                  </td>
                  <td>{s.ipAddress ?? t('account.sessions.unknown')}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{s.lastSeenAt ? formatDateTime(s.lastSeenAt) : t('account.sessions.never')}</td>
                  <td>
                    {!s.current && (
                      <button type="button" className="link-button danger" onClick={() => end.mutate(s.id)}>
                        {t('account.sessions.end')}{' '}
                        <span className="visually-hidden">
                          {s.userAgent ?? t('account.sessions.thisOne')}
                        </span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <FormStatus error={end.error ?? everywhere.error} />
      <button
        type="button"
        onClick={() => {
          if (window.confirm(t('account.sessions.everywhereConfirm'))) everywhere.mutate();
        }}
        disabled={everywhere.isPending}
      >
        {t('account.sessions.everywhere')}
      </button>
    </section>
  );
}
