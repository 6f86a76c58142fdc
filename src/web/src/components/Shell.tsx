import { type ReactNode, useContext } from 'react';
import { Link, useLocation } from 'wouter';
import { useSignOut } from '../api/account';
import { useNotifications } from '../api/notifications';
import { t, tNodes } from '../lib/i18n';
import { paths } from '../lib/paths';
import { canOpenSettings, has } from '../lib/permissions';
import { ProjectContext, useSession } from '../lib/session';
import type { Theme } from '../lib/theme';
import { ProjectSwitcher } from './ProjectSwitcher';
import { ThemeToggle } from './ThemeToggle';

interface Props {
  theme: Theme;
  onToggleTheme: () => void;
  children: ReactNode;
}

/** The frame of every signed-in screen: brand, project, navigation, person; then the screen. */
export function Shell({ theme, onToggleTheme, children }: Props) {
  const me = useSession();
  const project = useContext(ProjectContext);
  const signOut = useSignOut();
  const unread = useNotifications().data?.unreadCount ?? 0;
  const [location] = useLocation();
  const current = (href: string) => (location.startsWith(href) ? 'page' : undefined);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">
          {me.account.hasLogo && <img src={`/api/v1/accounts/${me.account.id}/logo`} alt="" />}
          <span>{me.account.name}</span>
        </div>
        {me.projects.length > 0 && <ProjectSwitcher current={project} />}
        {project && (
          <nav aria-label={t('shell.mainNav')} className="main-nav">
            <Link href={paths.inbox(project.id)} aria-current={current(`/p/${project.id}/inbox`)}>
              {t('shell.nav.inbox')}
            </Link>
            {has(project, 'csat.view') && (
              <Link href={paths.csat(project.id)} aria-current={current(paths.csat(project.id))}>
                {t('shell.nav.csat')}
              </Link>
            )}
            {has(project, 'tickets.delete') && (
              <Link href={paths.trash(project.id)} aria-current={current(paths.trash(project.id))}>
                {t('shell.nav.trash')}
              </Link>
            )}
            {canOpenSettings(project) && (
              <Link href={paths.settings(project.id)} aria-current={current(paths.settings(project.id))}>
                {t('shell.nav.settings')}
              </Link>
            )}
          </nav>
        )}
        <div className="user-menu">
          <span className="user-name" title={me.user.email}>
            {me.user.name}
          </span>
          <Link href={paths.notifications()} aria-current={current(paths.notifications())}>
            {t('shell.notifications')}
            {unread > 0 && (
              <span className="count-badge">
                {unread}
                <span className="visually-hidden"> {t('shell.unread')}</span>
              </span>
            )}
          </Link>
          <Link href={paths.account()} aria-current={current(paths.account())}>
            {t('shell.account')}
          </Link>
          <Link href={paths.apiTokens()} aria-current={current(paths.apiTokens())}>
            {t('shell.apiTokens')}
          </Link>
          <ThemeToggle theme={theme} onToggle={onToggleTheme} />
          <button type="button" className="link-button" onClick={() => signOut.mutate()}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      {me.mailDelivery === 'kept' && (
        <p className="mail-banner" role="status">
          {tNodes('shell.mailKept', {
            title: <strong>{t('shell.mailKeptTitle')}</strong>,
            variable: <code>SMTP_URL</code>,
          })}{' '}
          {me.account.abilities.viewOutgoingMail && (
            <a href="/admin/outgoing-mail">{t('shell.mailKeptLink')}</a>
          )}
        </p>
      )}
      <main id="main" tabIndex={-1} className="app-main">
        {children}
      </main>
    </>
  );
}
