import { type FormEvent, useState } from 'react';
import { useChangePassword, useEndSession, useSessions, useSignOutEverywhere } from '../../api/account';
import { describeError } from '../../api/client';
import { formatDateTime } from '../../lib/format';
import { FormStatus } from '../FormStatus';

/** Your password and your sessions: change the one, review and end the others. */
export function AccountPage() {
  return (
    <div className="settings">
      <h1>Your account</h1>
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
      <h2 id="password-title">Change your password</h2>
      <label htmlFor="current-password">Current password</label>
      <input
        id="current-password"
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(e) => setCurrent(e.target.value)}
      />
      <label htmlFor="new-password">New password (at least 8 characters)</label>
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
        Change password
      </button>
      <FormStatus
        error={change.error}
        success={change.isSuccess && 'Password changed. Your other sessions were signed out.'}
      />
    </form>
  );
}

function Sessions() {
  const sessions = useSessions();
  const end = useEndSession();
  const everywhere = useSignOutEverywhere();

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Your sessions</h2>
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
                <th scope="col">Device</th>
                <th scope="col">Address</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.sessions.map((s) => (
                <tr key={s.id}>
                  <td>
                    {s.userAgent ?? 'Unknown'}
                    {s.current && <strong> (this session)</strong>}
                  </td>
                  <td>{s.ipAddress ?? 'Unknown'}</td>
                  <td>{formatDateTime(s.createdAt)}</td>
                  <td>{s.lastSeenAt ? formatDateTime(s.lastSeenAt) : 'Never'}</td>
                  <td>
                    {!s.current && (
                      <button type="button" className="link-button danger" onClick={() => end.mutate(s.id)}>
                        Sign out <span className="visually-hidden">{s.userAgent ?? 'this session'}</span>
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
          if (window.confirm('Sign out on every device, this one included?')) everywhere.mutate();
        }}
        disabled={everywhere.isPending}
      >
        Sign out everywhere
      </button>
    </section>
  );
}
