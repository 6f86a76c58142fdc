import { type FormEvent, useState } from 'react';
import {
  type DiscordDelivery,
  type DiscordSettings as Settings,
  useDiscordMutations,
  useDiscordSettings,
} from '../../api/settings';
import { formatDateTime } from '../../lib/format';
import { FormStatus } from '../FormStatus';

const secretHint = (secret: Settings['botToken']) =>
  secret
    ? `Set (ends in …${secret.last4}, saved ${formatDateTime(secret.savedAt)}). Leave empty to keep it.`
    : 'Not set.';

function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} />
    </>
  );
}

/** The form, keyed by the saved values so a save shows them fresh (secrets stay empty: never returned). */
function DiscordForm({
  settings,
  save,
}: {
  settings: Settings;
  save: ReturnType<typeof useDiscordMutations>['save'];
}) {
  const [applicationId, setApplicationId] = useState(settings.applicationId ?? '');
  const [publicKey, setPublicKey] = useState(settings.publicKey ?? '');
  const [botToken, setBotToken] = useState('');
  const [clientSecret, setClientSecret] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      {
        applicationId: applicationId.trim(),
        publicKey: publicKey.trim(),
        ...(botToken.trim() && { botToken: botToken.trim() }),
        ...(clientSecret.trim() && { clientSecret: clientSecret.trim() }),
      },
      {
        onSuccess: () => {
          setBotToken('');
          setClientSecret('');
        },
      },
    );
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby="discord-app-title">
      <h2 id="discord-app-title">Discord application</h2>
      {settings.broken && (
        <p className="notice notice-error" role="alert" id="discord-broken">
          Sending to Discord stopped on {formatDateTime(settings.broken.at)}: {settings.broken.reason} Save a
          working bot token to resume.
        </p>
      )}
      {settings.botName && (
        <p id="discord-bot-name">
          Connected as bot <strong>{settings.botName}</strong>.
        </p>
      )}
      <label htmlFor="discord-application-id">Application ID</label>
      <input
        id="discord-application-id"
        required
        inputMode="numeric"
        value={applicationId}
        onChange={(e) => setApplicationId(e.target.value)}
      />
      <label htmlFor="discord-public-key">Public key</label>
      <input
        id="discord-public-key"
        required
        value={publicKey}
        onChange={(e) => setPublicKey(e.target.value)}
      />
      <label htmlFor="discord-bot-token">Bot token</label>
      <input
        id="discord-bot-token"
        type="password"
        autoComplete="off"
        required={!settings.botToken}
        aria-describedby="discord-bot-token-hint"
        value={botToken}
        onChange={(e) => setBotToken(e.target.value)}
      />
      <p className="muted" id="discord-bot-token-hint">
        {secretHint(settings.botToken)}
      </p>
      <label htmlFor="discord-client-secret">OAuth2 client secret</label>
      <input
        id="discord-client-secret"
        type="password"
        autoComplete="off"
        required={!settings.clientSecret}
        aria-describedby="discord-client-secret-hint"
        value={clientSecret}
        onChange={(e) => setClientSecret(e.target.value)}
      />
      <p className="muted" id="discord-client-secret-hint">
        {secretHint(settings.clientSecret)}
      </p>
      <button type="submit" className="primary" disabled={save.isPending}>
        {save.isPending ? 'Checking with Discord…' : 'Check with Discord and save'}
      </button>
      <FormStatus
        error={save.error}
        success={save.isSuccess && `Saved: Discord accepted the bot ${save.data.botName}.`}
      />
    </form>
  );
}

/** The account's Discord application, the URLs for Discord's developer portal, and each project's delivery. */
export function DiscordSettings() {
  const query = useDiscordSettings();
  const { save, setDelivery } = useDiscordMutations();
  if (query.isPending) return <p className="muted">Loading…</p>;
  if (query.isError) return <FormStatus error={query.error} />;
  const settings = query.data;

  return (
    <>
      <DiscordForm
        key={`${settings.applicationId}:${settings.botToken?.savedAt}`}
        settings={settings}
        save={save}
      />
      <section className="card form" aria-labelledby="discord-urls-title">
        <h2 id="discord-urls-title">Paste into Discord's developer portal</h2>
        <CopyField
          id="discord-interactions-url"
          label="General Information → Interactions Endpoint URL"
          value={settings.interactionsUrl}
        />
        <CopyField id="discord-redirect-url" label="OAuth2 → Redirects" value={settings.redirectUrl} />
        {settings.addBotUrl ? (
          <p>
            <a href={settings.addBotUrl} target="_blank" rel="noreferrer" id="discord-add-bot">
              Add the bot to your team's Discord server
            </a>{' '}
            — Discord delivers a DM only to customers who share a server with the bot.
          </p>
        ) : (
          <p className="muted">Save the application to get the link that adds the bot to your server.</p>
        )}
      </section>
      <section className="card form" aria-labelledby="discord-delivery-title">
        <h2 id="discord-delivery-title">Survey invitations for Discord-linked customers</h2>
        {settings.projects.map((project) => (
          <fieldset key={project.id}>
            <legend>{project.name}</legend>
            {(
              [
                ['dm_only', 'By DM only (email only when the DM fails for good)'],
                ['dm_and_email', 'By DM and by email'],
              ] as [DiscordDelivery, string][]
            ).map(([value, label]) => (
              <label key={value} className="inline">
                <input
                  type="radio"
                  name={`delivery-${project.id}`}
                  value={value}
                  checked={project.delivery === value}
                  disabled={setDelivery.isPending}
                  onChange={() => setDelivery.mutate({ projectId: project.id, delivery: value })}
                />{' '}
                {label}
              </label>
            ))}
          </fieldset>
        ))}
        <FormStatus error={setDelivery.error} success={setDelivery.isSuccess && 'Saved.'} />
      </section>
    </>
  );
}
