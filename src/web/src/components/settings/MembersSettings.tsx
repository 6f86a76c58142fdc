import { type FormEvent, useState } from 'react';
import { describeError } from '../../api/client';
import { useMemberMutations, useMembers, useRoles } from '../../api/settings';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject, useSession } from '../../lib/session';
import { FormStatus } from '../FormStatus';

/** Only rendered with members.manage: add people, change their role, remove them. */
export function MembersSettings() {
  const project = useProject();
  const me = useSession();
  const members = useMembers(project.id);
  const roles = useRoles(project.id);
  const { add, changeRole, remove, resetSessions } = useMemberMutations(project.id);
  const [form, setForm] = useState({ email: '', name: '', password: '', roleId: '' });
  const roleOptions = roles.data?.roles ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const roleId = form.roleId || roleOptions.find((r) => r.kind === 'staff')?.id || '';
    add.mutate(
      {
        email: form.email,
        roleId,
        name: form.name || undefined,
        password: form.password || undefined,
      },
      { onSuccess: () => setForm({ email: '', name: '', password: '', roleId: '' }) },
    );
  };

  return (
    <>
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">{t('settings.members.title')}</h2>
        {members.isError && (
          <p className="notice notice-error" role="alert">
            {describeError(members.error)}
          </p>
        )}
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('settings.members.column.name')}</th>
                <th scope="col">{t('settings.members.column.email')}</th>
                <th scope="col">{t('settings.members.column.role')}</th>
                <th scope="col">{t('settings.members.column.since')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('settings.members.column.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.data?.members.map((m) => (
                <tr key={m.userId}>
                  <td>{m.name}</td>
                  <td>{m.email}</td>
                  <td>
                    {m.role.kind === 'owner' || m.userId === me.user.id ? (
                      m.role.name
                    ) : (
                      <select
                        aria-label={t('settings.members.roleOf', { name: m.name })}
                        value={m.role.id}
                        onChange={(e) => changeRole.mutate({ userId: m.userId, roleId: e.target.value })}
                      >
                        {roleOptions.map((r) => (
                          <option key={r.id} value={r.id}>
                            {r.name}
                          </option>
                        ))}
                      </select>
                    )}
                  </td>
                  <td>{formatDateTime(m.since)}</td>
                  <td>
                    {m.role.kind !== 'owner' && m.userId !== me.user.id && (
                      <button
                        type="button"
                        className="link-button danger"
                        onClick={() => {
                          if (
                            window.confirm(
                              t('settings.members.removeConfirm', { name: m.name, project: project.name }),
                            )
                          )
                            remove.mutate(m.userId);
                        }}
                      >
                        {t('settings.members.remove')} <span className="visually-hidden">{m.name}</span>
                      </button>
                    )}{' '}
                    {m.abilities.resetSessions && m.userId !== me.user.id && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => {
                          if (window.confirm(t('settings.members.signOutConfirm', { name: m.name })))
                            resetSessions.mutate(m.userId);
                        }}
                      >
                        {t('settings.members.signOut')} <span className="visually-hidden">{m.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <FormStatus
          error={changeRole.error ?? remove.error ?? resetSessions.error}
          success={
            resetSessions.isSuccess && t('settings.members.signedOut', { count: resetSessions.data.ended })
          }
        />
      </section>

      <form className="card form" onSubmit={submit} aria-labelledby="add-member-title">
        <h2 id="add-member-title">{t('settings.members.add.title')}</h2>
        <label htmlFor="member-email">{t('settings.members.add.email')}</label>
        <input
          id="member-email"
          type="email"
          required
          value={form.email}
          onChange={(e) => setForm({ ...form, email: e.target.value })}
        />
        <label htmlFor="member-name">{t('settings.members.add.name')}</label>
        <input
          id="member-name"
          value={form.name}
          onChange={(e) => setForm({ ...form, name: e.target.value })}
        />
        <label htmlFor="member-password">{t('settings.members.add.password')}</label>
        <input
          id="member-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          value={form.password}
          onChange={(e) => setForm({ ...form, password: e.target.value })}
        />
        <label htmlFor="member-role">{t('settings.members.add.role')}</label>
        <select
          id="member-role"
          value={form.roleId || roleOptions.find((r) => r.kind === 'staff')?.id || ''}
          onChange={(e) => setForm({ ...form, roleId: e.target.value })}
        >
          {roleOptions.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={add.isPending}>
          {t('settings.members.add.submit')}
        </button>
        <FormStatus error={add.error} success={add.isSuccess && t('settings.members.add.done')} />
      </form>
    </>
  );
}
