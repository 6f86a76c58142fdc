import { type FormEvent, useState } from 'react';
import { PERMISSIONS } from '../../../../shared/tickets';
import { describeError } from '../../api/client';
import { useRoleMutations, useRoles } from '../../api/settings';
import type { Permission, Role } from '../../api/types';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

function PermissionBoxes({
  idPrefix,
  value,
  onChange,
}: {
  idPrefix: string;
  value: Permission[];
  onChange: (next: Permission[]) => void;
}) {
  return (
    <fieldset className="permission-grid">
      <legend>{t('settings.roles.permissions')}</legend>
      {PERMISSIONS.map((p) => (
        <label key={p} htmlFor={`${idPrefix}-${p}`} className="checkbox">
          <input
            id={`${idPrefix}-${p}`}
            type="checkbox"
            checked={value.includes(p)}
            onChange={(e) => onChange(e.target.checked ? [...value, p] : value.filter((x) => x !== p))}
          />{' '}
          <code>{p}</code>
        </label>
      ))}
    </fieldset>
  );
}

function RoleEditor({
  role,
  projectId,
  onDone,
}: {
  role: Role | null;
  projectId: string;
  onDone: () => void;
}) {
  const { create, update } = useRoleMutations(projectId);
  const [name, setName] = useState(role?.name ?? '');
  const [permissions, setPermissions] = useState<Permission[]>(role?.permissions ?? []);
  const mutation = role ? update : create;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (role) update.mutate({ id: role.id, name, permissions }, { onSuccess: onDone });
    else create.mutate({ name, permissions }, { onSuccess: onDone });
  };
  const prefix = role ? `role-${role.id}` : 'new-role';
  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>
        {role ? t('settings.roles.editTitle', { name: role.name }) : t('settings.roles.new')}
      </h2>
      <label htmlFor={`${prefix}-name`}>{t('settings.roles.name')}</label>
      <input
        id={`${prefix}-name`}
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <PermissionBoxes idPrefix={prefix} value={permissions} onChange={setPermissions} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {role ? t('settings.roles.save') : t('settings.roles.create')}
        </button>
        <button type="button" onClick={onDone}>
          {t('settings.cancel')}
        </button>
      </div>
      <FormStatus error={mutation.error} />
    </form>
  );
}

/** Built-in roles are shown as they are; custom ones can be created, edited and deleted. */
export function RolesSettings() {
  const project = useProject();
  const roles = useRoles(project.id);
  const { remove } = useRoleMutations(project.id);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);

  if (editing)
    return (
      <RoleEditor
        role={editing === 'new' ? null : editing}
        projectId={project.id}
        onDone={() => setEditing(null)}
      />
    );

  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">{t('settings.roles.title')}</h2>
      {roles.isError && (
        <p className="notice notice-error" role="alert">
          {describeError(roles.error)}
        </p>
      )}
      <ul className="role-list">
        {roles.data?.roles.map((r) => (
          <li key={r.id}>
            <div>
              <strong>{r.name}</strong> <span className="muted">({r.kind})</span>
              <p className="muted small">
                {t('settings.roles.summary', {
                  count: r.permissions.length,
                  list: r.permissions.join(', ') || t('settings.roles.none'),
                })}
              </p>
            </div>
            <div className="button-row">
              {r.abilities.update && (
                <button type="button" onClick={() => setEditing(r)}>
                  {t('settings.roles.edit')} <span className="visually-hidden">{r.name}</span>
                </button>
              )}
              {r.abilities.delete && (
                <button
                  type="button"
                  className="danger"
                  onClick={() => {
                    if (window.confirm(t('settings.roles.deleteConfirm', { name: r.name })))
                      remove.mutate(r.id);
                  }}
                >
                  {t('settings.roles.delete')} <span className="visually-hidden">{r.name}</span>
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <button type="button" className="primary" onClick={() => setEditing('new')}>
        {t('settings.roles.new')}
      </button>
      <FormStatus error={remove.error} />
    </section>
  );
}
