import { lazy, Suspense, useEffect } from 'react';
import { Redirect, Route, Switch, useLocation, useParams, useRoute } from 'wouter';
import { useMe } from '../api/account';
import { describeError, isUnauthenticated } from '../api/client';
import type { Project } from '../api/types';
import { t } from '../lib/i18n';
import { lastProject, paths, rememberProject } from '../lib/paths';
import { has } from '../lib/permissions';
import { ProjectContext, SessionContext, useSession } from '../lib/session';
import { ThemeContext, useTheme } from '../lib/theme';
import { AccountPage } from './account/AccountPage';
import { Notifications } from './account/Notifications';
import { ResetPassword } from './account/ResetPassword';
import { ErrorBoundary } from './ErrorBoundary';
import { Inbox } from './inbox/Inbox';
import { NewTicket } from './inbox/NewTicket';
import { Trash } from './inbox/Trash';
import { NotAllowed } from './NotAllowed';
import { Shell } from './Shell';
import { SignIn } from './SignIn';
import { ApiTokens } from './settings/ApiTokens';
import { Settings } from './settings/Settings';
import { TicketView } from './ticket/TicketView';

// The dashboard carries the chart library: loaded only by those who open it.
const CsatDashboard = lazy(() => import('./csat/CsatDashboard').then((m) => ({ default: m.CsatDashboard })));

export function App() {
  const { theme, toggle } = useTheme();
  const me = useMe();
  // A reset link opens whether or not someone is signed in on this browser.
  const [isReset, reset] = useRoute<{ token: string }>('/reset-password/:token');

  let content: React.ReactNode;
  if (isReset) {
    content = <ResetPassword token={reset.token} />;
  } else if (me.isPending) {
    content = (
      <p className="page-status" role="status">
        {t('common.loading')}
      </p>
    );
  } else if (me.isError && isUnauthenticated(me.error)) {
    content = <SignIn theme={theme} onToggleTheme={toggle} />;
  } else if (me.isError) {
    content = (
      <main className="page-status" role="alert">
        <h1>{t('app.unavailable')}</h1>
        <p>{describeError(me.error)}</p>
        <button type="button" onClick={() => me.refetch()}>
          {t('common.retry')}
        </button>
      </main>
    );
  } else {
    content = (
      <SessionContext.Provider value={me.data}>
        <Routes theme={theme} onToggleTheme={toggle} />
      </SessionContext.Provider>
    );
  }
  return <ThemeContext.Provider value={theme}>{content}</ThemeContext.Provider>;
}

interface ThemeProps {
  theme: 'light' | 'dark';
  onToggleTheme: () => void;
}

function Routes(props: ThemeProps) {
  const me = useSession();
  const first = me.projects.find((p) => p.id === lastProject()) ?? me.projects[0];
  return (
    <Switch>
      <Route path="/me/account">
        <Shell {...props}>
          <AccountPage />
        </Shell>
      </Route>
      <Route path="/me/notifications">
        <Shell {...props}>
          <Notifications />
        </Shell>
      </Route>
      <Route path="/me/api-tokens">
        <Shell {...props}>
          <ApiTokens />
        </Shell>
      </Route>
      <Route path="/p/:projectId/*?">
        <ProjectRoutes {...props} />
      </Route>
      <Route>
        {first ? (
          <Redirect to={paths.inbox(first.id)} replace />
        ) : (
          <Shell {...props}>
            <h1>{t('app.noProject.title')}</h1>
            <p>{t('app.noProject.text')}</p>
          </Shell>
        )}
      </Route>
    </Switch>
  );
}

function ProjectRoutes(props: ThemeProps) {
  const me = useSession();
  const { projectId } = useParams<{ projectId: string }>();
  // A new address clears a failed screen.
  const [location] = useLocation();
  const project = me.projects.find((p) => p.id === projectId);
  useEffect(() => {
    if (project) rememberProject(project.id);
  }, [project]);
  if (!project) return <Redirect to="/" replace />;
  return (
    <ProjectContext.Provider value={project}>
      <Shell {...props}>
        <ErrorBoundary key={location}>
          <ProjectScreens project={project} />
        </ErrorBoundary>
      </Shell>
    </ProjectContext.Provider>
  );
}

function ProjectScreens({ project }: { project: Project }) {
  return (
    <Switch>
      <Route path="/p/:projectId/inbox">
        <Inbox />
      </Route>
      <Route path="/p/:projectId/new-ticket">
        {has(project, 'tickets.create') ? <NewTicket /> : <NotAllowed what={t('notAllowed.newTicket')} />}
      </Route>
      <Route path="/p/:projectId/tickets/:ticketId">
        {(params) => <TicketView key={params.ticketId} ticketId={params.ticketId} />}
      </Route>
      <Route path="/p/:projectId/csat">
        {has(project, 'csat.view') ? (
          <Suspense fallback={<p role="status">{t('csat.loading')}</p>}>
            <CsatDashboard />
          </Suspense>
        ) : (
          <NotAllowed what={t('notAllowed.csat')} />
        )}
      </Route>
      <Route path="/p/:projectId/trash">
        {has(project, 'tickets.delete') ? <Trash /> : <NotAllowed what={t('notAllowed.trash')} />}
      </Route>
      <Route path="/p/:projectId/settings/:section?">
        {(params) => <Settings section={params.section} />}
      </Route>
      <Route>
        <Redirect to={paths.inbox(project.id)} replace />
      </Route>
    </Switch>
  );
}
