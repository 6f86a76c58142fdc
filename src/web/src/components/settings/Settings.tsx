import { Link, Redirect } from 'wouter';
import type { Me, Project } from '../../api/types';
import { t } from '../../lib/i18n';
import { paths } from '../../lib/paths';
import { has } from '../../lib/permissions';
import { useProject, useSession } from '../../lib/session';
import { NotAllowed } from '../NotAllowed';
import { BrandingSettings } from './BrandingSettings';
import { CsatSettingsForm } from './CsatSettingsForm';
import { DiscordSettings } from './DiscordSettings';
import { InboundSettings } from './InboundSettings';
import { MailboxSettings } from './MailboxSettings';
import { MembersSettings } from './MembersSettings';
import { RolesSettings } from './RolesSettings';
import { WebhooksSettings } from './WebhooksSettings';

type Allowed = (project: Project, me: Me) => boolean;

const SECTIONS: { id: string; label: string; allowed: Allowed; render: () => React.ReactNode }[] = [
  // Branding is account-wide: the account owner's, whatever the project role.
  {
    id: 'branding',
    label: t('settings.nav.branding'),
    allowed: (_, me) => me.account.abilities.update,
    render: () => <BrandingSettings />,
  },
  // Discord is account-wide too: one application and bot for every project.
  {
    id: 'discord',
    label: t('settings.nav.discord'),
    allowed: (_, me) => me.account.abilities.update,
    render: () => <DiscordSettings />,
  },
  // Webhooks are account-wide: every project's events go to the account's endpoints.
  {
    id: 'webhooks',
    label: t('settings.nav.webhooks'),
    allowed: (_, me) => me.account.abilities.update,
    render: () => <WebhooksSettings />,
  },
  {
    id: 'members',
    label: t('settings.nav.members'),
    allowed: (p) => has(p, 'members.manage'),
    render: () => <MembersSettings />,
  },
  {
    id: 'roles',
    label: t('settings.nav.roles'),
    allowed: (p) => has(p, 'roles.manage'),
    render: () => <RolesSettings />,
  },
  {
    id: 'csat',
    label: t('settings.nav.csat'),
    allowed: (p) => has(p, 'csat.manage'),
    render: () => <CsatSettingsForm />,
  },
  {
    id: 'email-in',
    label: t('settings.nav.emailIn'),
    allowed: (p) => has(p, 'settings.manage'),
    // Both ways in: the inbound address (SMTP listener) and a mailbox read over IMAP.
    render: () => (
      <>
        <InboundSettings />
        <MailboxSettings />
      </>
    ),
  },
];

/** Each section is offered only with its permission or ability; the server checks the same. */
export function Settings({ section }: { section: string | undefined }) {
  const project = useProject();
  const me = useSession();
  const allowed = SECTIONS.filter((s) => s.allowed(project, me));
  const first = allowed[0];
  if (!first) return <NotAllowed what={t('notAllowed.anySettings')} />;
  const current = allowed.find((s) => s.id === section);
  if (!current) {
    if (section && SECTIONS.some((s) => s.id === section))
      return <NotAllowed what={t('notAllowed.theseSettings')} />;
    return <Redirect to={paths.settings(project.id, first.id)} replace />;
  }

  return (
    <div className="settings">
      <h1>{t('settings.title')}</h1>
      <nav aria-label={t('settings.title')} className="sub-nav">
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
