import { useLocation } from 'wouter';
import type { Project } from '../api/types';
import { t } from '../lib/i18n';
import { paths } from '../lib/paths';
import { useSession } from '../lib/session';

/** Switching project opens its inbox: every screen is scoped to one project. */
export function ProjectSwitcher({ current }: { current: Project | null }) {
  const me = useSession();
  const [, navigate] = useLocation();
  return (
    <div className="project-switcher">
      <label htmlFor="project-switcher">{t('shell.project')}</label>
      <select
        id="project-switcher"
        value={current?.id ?? ''}
        onChange={(event) => navigate(paths.inbox(event.target.value))}
      >
        {!current && <option value="">{t('shell.chooseProject')}</option>}
        {me.projects.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} ({p.key}) — {p.role.name}
          </option>
        ))}
      </select>
    </div>
  );
}
