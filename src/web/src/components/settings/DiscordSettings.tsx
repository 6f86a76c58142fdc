import { type FormEvent, useState } from 'react';
import {
  type DiscordDelivery,
  type DiscordSettings as Settings,
  useDiscordMutations,
  useDiscordSettings,
} from '../../api/settings';
import { formatDateTime } from '../../lib/format';
import { t, tNodes } from '../../lib/i18n';
import { FormStatus } from '../FormStatus';

const secretHint = (secret: Settings['botToken']) =>
  secret
    ? t('settings.discord.secretSet', { last4: secret.last4, date: formatDateTime(secret.savedAt) })
    : t('settings.discord.secretNotSet');

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
      <h2 id="discord-app-title">{t('settings.discord.title')}</h2>
      {settings.broken && (
        <p className="notice notice-error" role="alert" id="discord-broken">
          {t('settings.discord.broken', {
            date: formatDateTime(settings.broken.at),
            reason: settings.broken.reason,
          })}
        </p>
      )}
      {settings.botName && (
        <p id="discord-bot-name">
          {tNodes('settings.discord.connected', { bot: <strong>{settings.botName}</strong> })}
        </p>
      )}
      <label htmlFor="discord-application-id">{t('settings.discord.applicationId')}</label>
      <input
        id="discord-application-id"
        required
        inputMode="numeric"
        value={applicationId}
        onChange={(e) => setApplicationId(e.target.value)}
      />
      <label htmlFor="discord-public-key">{t('settings.discord.publicKey')}</label>
      <input
        id="discord-public-key"
        required
        value={publicKey}
        onChange={(e) => setPublicKey(e.target.value)}
      />
      <label htmlFor="discord-bot-token">{t('settings.discord.botToken')}</label>
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
      <label htmlFor="discord-client-secret">{t('settings.discord.clientSecret')}</label>
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
        {save.isPending ? t('settings.discord.checking') : t('settings.discord.save')}
      </button>
      <FormStatus
        error={save.error}
        success={save.isSuccess && t('settings.discord.saved', { bot: save.data.botName ?? '' })}
      />
    </form>
  );
}

/** The account's Discord application, the URLs for Discord's developer portal, and each project's delivery. */
export function DiscordSettings() {
  const query = useDiscordSettings();
  const { save, setDelivery } = useDiscordMutations();
  if (query.isPending) return <p className="muted">{t('common.loading')}</p>;
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
        <h2 id="discord-urls-title">{t('settings.discord.urls')}</h2>
        <CopyField
          id="discord-interactions-url"
          label={t('settings.discord.interactionsUrl')}
          value={settings.interactionsUrl}
        />
        <CopyField
          id="discord-redirect-url"
          label={t('settings.discord.redirectUrl')}
          value={settings.redirectUrl}
        />
        {settings.addBotUrl ? (
          <p>
            <a href={settings.addBotUrl} target="_blank" rel="noreferrer" id="discord-add-bot">
              {t('settings.discord.addBot')}
            </a>{' '}
            {t('settings.discord.addBotHint')}
          </p>
        ) : (
          <p className="muted">{t('settings.discord.addBotLater')}</p>
        )}
      </section>
      <section className="card form" aria-labelledby="discord-delivery-title">
        <h2 id="discord-delivery-title">{t('settings.discord.delivery')}</h2>
        {settings.projects.map((project) => (
          <fieldset key={project.id}>
            <legend>{project.name}</legend>
            {(
              [
                ['dm_only', t('settings.discord.delivery.dmOnly')],
                ['dm_and_email', t('settings.discord.delivery.dmAndEmail')],
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
        <FormStatus error={setDelivery.error} success={setDelivery.isSuccess && t('settings.saved')} />
      </section>
    </>
  );
}
