import { Link, Redirect } from 'wouter';
import type { Permission } from '../../api/types';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject } from '../../lib/session';
import { NotAllowed } from '../NotAllowed';
import { BrandingSettings } from './BrandingSettings';
import { CsatSettingsForm } from './CsatSettingsForm';
import { MembersSettings } from './MembersSettings';
import { RolesSettings } from './RolesSettings';

const SECTIONS: { id: string; label: string; permission: Permission; render: () => React.ReactNode }[] = [
  { id: 'branding', label: 'Branding', permission: 'settings.manage', render: () => <BrandingSettings /> },
  { id: 'members', label: 'Members', permission: 'members.manage', render: () => <MembersSettings /> },
  { id: 'roles', label: 'Roles', permission: 'roles.manage', render: () => <RolesSettings /> },
  { id: 'csat', label: 'CSAT surveys', permission: 'csat.manage', render: () => <CsatSettingsForm /> },
];

/** Each section is offered only with its permission; the server checks the same permission. */
export function Settings({ section }: { section: string | undefined }) {
  const project = useProject();
  const allowed = SECTIONS.filter((s) => has(project, s.permission));
  const first = allowed[0];
  if (!first) return <NotAllowed what="any settings" />;
  const current = allowed.find((s) => s.id === section);
  if (!current) {
    if (section && SECTIONS.some((s) => s.id === section)) return <NotAllowed what="these settings" />;
    return <Redirect to={paths.settings(project.id, first.id)} replace />;
  }

  return (
    <div className="settings">
      <h1>Settings</h1>
      <nav aria-label="Settings" className="sub-nav">
        {allowed.map((s) => (
          <Link
            key={s.id}
            href={paths.settings(project.id, s.id)}
            aria-current={s.id === current.id ? 'page' : undefined}
          >
            {s.label}
          </Link>
        ))}
      </nav>
      <div className="settings-body">{current.render()}</div>
    </div>
  );
}
