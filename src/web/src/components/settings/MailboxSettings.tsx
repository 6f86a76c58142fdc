import { type FormEvent, useEffect, useState } from 'react';
import { describeError } from '../../api/client';
import { type MailboxInput, useMailbox, useMailboxMutations } from '../../api/settings';
import { formatDateTime } from '../../lib/format';
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
  if (!draft) return <p role="status">Loading…</p>;
  const saved = query.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ ...draft, password: draft.password || undefined });
  };
  const field = <K extends keyof MailboxInput>(key: K, value: MailboxInput[K]) =>
    setDraft({ ...draft, [key]: value });

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="mailbox-title">
      <h2 id="mailbox-title">Mailbox (IMAP)</h2>
      <p className="muted">
        Clearline reads new mail from this mailbox and turns it into tickets and replies, then flags each
        message (or moves it to the folder below). Mail can also come in through the built-in SMTP listener.
      </p>
      {saved && (
        <p role="status">
          {saved.lastError
            ? `Last check failed: ${saved.lastError}`
            : saved.lastCheckedAt
              ? `Last checked ${formatDateTime(saved.lastCheckedAt)}.`
              : 'Not checked yet.'}
        </p>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => field('enabled', e.target.checked)} />{' '}
        Read this mailbox
      </label>
      <label htmlFor="mailbox-host">Server</label>
      <input id="mailbox-host" required value={draft.host} onChange={(e) => field('host', e.target.value)} />
      <label htmlFor="mailbox-port">Port</label>
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
        <input type="checkbox" checked={draft.tls} onChange={(e) => field('tls', e.target.checked)} /> TLS
        from the start (IMAPS, usually port 993)
      </label>
      <label htmlFor="mailbox-user">User name</label>
      <input
        id="mailbox-user"
        required
        autoComplete="off"
        value={draft.username}
        onChange={(e) => field('username', e.target.value)}
      />
      <label htmlFor="mailbox-password">Password{saved ? ' (leave empty to keep the saved one)' : ''}</label>
      <input
        id="mailbox-password"
        type="password"
        autoComplete="new-password"
        required={!saved}
        value={draft.password ?? ''}
        onChange={(e) => field('password', e.target.value)}
      />
      <label htmlFor="mailbox-folder">Folder to read</label>
      <input
        id="mailbox-folder"
        required
        value={draft.folder}
        onChange={(e) => field('folder', e.target.value)}
      />
      <label htmlFor="mailbox-done">Move processed mail to (empty: flag it and leave it)</label>
      <input
        id="mailbox-done"
        value={draft.processedFolder ?? ''}
        onChange={(e) => field('processedFolder', e.target.value || null)}
      />
      <label htmlFor="mailbox-poll">Seconds between checks when the server offers no IDLE (10–3600)</label>
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
        Save
      </button>
      {saved && (
        <button type="button" disabled={remove.isPending} onClick={() => remove.mutate()}>
          Stop reading this mailbox
        </button>
      )}
      <FormStatus
        error={save.error ?? remove.error}
        success={save.isSuccess && 'Saved: the mailbox answered.'}
      />
    </form>
  );
}
