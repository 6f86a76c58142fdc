import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import { type MailboxInput, useMailbox, useMailboxMutations } from '../../api/settings';
import { formatDateTime } from '../../lib/format';
import { t } from '../../lib/i18n';
import { useProject } from '../../lib/session';
import { FormStatus } from '../FormStatus';

const EMPTY: MailboxInput = {
  enabled: true,
  host: '',
  port: 993,
  tls: true,
  username: '',
  password: '',
  folder: 'INBOX',
  processedFolder: null,
  pollSeconds: 60,
};

/** The IMAP mailbox Clearline reads: saving signs in first, so a wrong setting is refused with the server's reason. */
export function MailboxSettings() {
  const project = useProject();
  const query = useMailbox(project.id);
  const { save, remove } = useMailboxMutations(project.id);
  const [draft, setDraft] = useState<MailboxInput | null>(null);
  useEffect(() => {
    if (query.data !== undefined) setDraft(query.data ? { ...query.data, password: '' } : EMPTY);
  }, [query.data]);

  if (query.isError)
    return (
      <p className="notice notice-error" role="alert">
        {describeError(query.error)}
      </p>
    );
  if (!draft) return <p role="status">{t('common.loading')}</p>;
  const saved = query.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...draft, password: draft.password || undefined });
  };
  const field = <K extends keyof MailboxInput>(key: K, value: MailboxInput[K]) =>
    setDraft({ ...draft, [key]: value });

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">{t('settings.mailbox.title')}</h2>
      <p className="muted">{t('settings.mailbox.intro')}</p>
      {saved && (
        <p role="status">
          {saved.lastError
            ? t('settings.mailbox.lastError', { error: saved.lastError })
            : saved.lastCheckedAt
              ? t('settings.mailbox.lastChecked', { date: formatDateTime(saved.lastCheckedAt) })
              : t('settings.mailbox.notChecked')}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => field('enabled', e.target.checked)} />{' '}
        {t('settings.mailbox.enabled')}
      </label>
      <label htmlFor="mailbox-host">{t('settings.mailbox.host')}</label>
      <input id="mailbox-host" required value={draft.host} onChange={(e) => field('host', e.target.value)} />
      <label htmlFor="mailbox-port">{t('settings.mailbox.port')}</label>
      <input
        id="mailbox-port"
        type="number"
        min={1}
        max={65535}
        required
        value={draft.port}
        onChange={(e) => field('port', Number(e.target.value))}
      />
      <label className="checkbox">
        <input type="checkbox" checked={draft.tls} onChange={(e) => field('tls', e.target.checked)} />{' '}
        {t('settings.mailbox.tls')}
      </label>
      <label htmlFor="mailbox-user">{t('settings.mailbox.username')}</label>
      <input
        id="mailbox-user"
        required
        autoComplete="off"
        value={draft.username}
        onChange={(e) => field('username', e.target.value)}
      />
      <label htmlFor="mailbox-password">
        {saved ? t('settings.mailbox.passwordKeep') : t('settings.mailbox.password')}
      </label>
      <input
        id="mailbox-password"
        type="password"
        autoComplete="new-password"
        required={!saved}
        value={draft.password ?? ''}
        onChange={(e) => field('password', e.target.value)}
      />
      <label htmlFor="mailbox-folder">{t('settings.mailbox.folder')}</label>
      <input
        id="mailbox-folder"
        required
        value={draft.folder}
        onChange={(e) => field('folder', e.target.value)}
      />
      <label htmlFor="mailbox-done">{t('settings.mailbox.processedFolder')}</label>
      <input
        id="mailbox-done"
        value={draft.processedFolder ?? ''}
        onChange={(e) => field('processedFolder', e.target.value || null)}
      />
      <label htmlFor="mailbox-poll">{t('settings.mailbox.poll')}</label>
      <input
        id="mailbox-poll"
        type="number"
        min={10}
        max={3600}
        required
        value={draft.pollSeconds}
        onChange={(e) => field('pollSeconds', Number(e.target.value))}
      />
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('settings.save')}
      </button>
      {saved && (
        <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
          {t('settings.mailbox.remove')}
        </button>
      )}
      <FormStatus
        error={save.error ?? remove.error}
        success={save.isSuccess && t('settings.mailbox.saved')}
      />
    </form>
  );
}
