import { type ReactNode, useContext } from 'react';
import { Link, useLocation } from 'wouter';
import { useSignOut } from '../api/account';
import { useNotifications } from '../api/notifications';
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
        Skip to content
      </a>
      <header className="app-header">
        <div className="brand">
          {me.account.hasLogo && <img src={`/api/v1/accounts/${me.account.id}/logo`} alt="" />}
          <span>{me.account.name}</span>
        </div>
        {me.projects.length > 0 && <ProjectSwitcher current={project} />}
        {project && (
          <nav aria-label="Main" className="main-nav">
            <Link href={paths.inbox(project.id)} aria-current={current(`/p/${project.id}/inbox`)}>
              Inbox
            </Link>
            {has(project, 'csat.view') && (
              <Link href={paths.csat(project.id)} aria-current={current(paths.csat(project.id))}>
                CSAT
              </Link>
            )}
            {has(project, 'tickets.delete') && (
              <Link href={paths.trash(project.id)} aria-current={current(paths.trash(project.id))}>
                Trash
              </Link>
            )}
            {canOpenSettings(project) && (
              <Link href={paths.settings(project.id)} aria-current={current(paths.settings(project.id))}>
                Settings
              </Link>
            )}
          </nav>
        )}
        <div className="user-menu">
          <span className="user-name" title={me.user.email}>
            {me.user.name}
          </span>
          <Link href={paths.notifications()} aria-current={current(paths.notifications())}>
            Notifications
            {unread > 0 && (
              <span className="count-badge">
                {unread}
                <span className="visually-hidden"> unread</span>
              </span>
            )}
          </Link>
          <Link href={paths.account()} aria-current={current(paths.account())}>
            Account
          </Link>
          <Link href={paths.apiTokens()} aria-current={current(paths.apiTokens())}>
            API tokens
          </Link>
          <ThemeToggle theme={theme} onToggle={onToggleTheme} />
          <button type="button" className="link-button" onClick={() => signOut.mutate()}>
            Sign out
          </button>
        </div>
      </header>
      {me.mailDelivery === 'kept' && (
        <p className="mail-banner" role="status">
          <strong>Mail is not being delivered.</strong> No SMTP server is configured (<code>SMTP_URL</code>):
          this is a demo mode, and mails to requesters and staff are kept instead of sent.{' '}
          {me.account.abilities.viewOutgoingMail && <a href="/admin/outgoing-mail">See the kept mail</a>}
        </p>
      )}
      <main id="main" tabIndex={-1} className="app-main">
        {children}
      </main>
    </>
  );
}
