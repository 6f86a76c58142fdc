import { type FormEvent, useState } from 'react';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../../../shared/i18n';
import { useSetLogo, useUpdateAccount } from '../../api/account';
import { useSession } from '../../lib/session';
import { FormStatus } from '../FormStatus';

const LOGO_TYPES = 'image/png,image/jpeg,image/gif,image/webp';
const LOGO_MAX_BYTES = 512 * 1024;

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

/** The account's name, time zone and logo (they brand the portal, surveys and mails). */
export function BrandingSettings() {
  const me = useSession();
  const update = useUpdateAccount();
  const setLogo = useSetLogo();
  const [name, setName] = useState(me.account.name);
  const [timezone, setTimezone] = useState(me.account.timezone);
  const [defaultLanguage, setDefaultLanguage] = useState(me.account.defaultLanguage);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [logoVersion, setLogoVersion] = useState(0);

  const save = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name, timezone, defaultLanguage });
  };
  const upload = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    if (file.size > LOGO_MAX_BYTES) {
      setFileError('The logo can be at most 512 KiB.');
      return;
    }
    setFileError(null);
    setLogo.mutate(file, { onSuccess: () => setLogoVersion((v) => v + 1) });
  };

  return (
    <>
      <form className="card form" onSubmit={save} aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <label htmlFor="account-name">Account name</label>
        <input
          id="account-name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="account-timezone">Time zone (reports and dates)</label>
        <select id="account-timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {timeZones(me.account.timezone).map((z) => (
            <option key={z}>{z}</option>
          ))}
        </select>
        <label htmlFor="account-language">Customers' language (until they choose their own)</label>
        <select
          id="account-language"
          value={defaultLanguage}
          onChange={(e) => isLanguage(e.target.value) && setDefaultLanguage(e.target.value)}
        >
          {LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
        <button type="submit" className="primary" disabled={update.isPending}>
          Save
        </button>
        <FormStatus error={update.error} success={update.isSuccess && 'Saved.'} />
      </form>

      <form className="card form" onSubmit={upload} aria-labelledby="logo-title">
        <h2 id="logo-title">Logo</h2>
        {me.account.hasLogo ? (
          <img
            className="logo-preview"
            src={`/api/v1/accounts/${me.account.id}/logo?v=${logoVersion}`}
            alt={`Current logo of ${me.account.name}`}
          />
        ) : (
          <p className="muted">No logo yet.</p>
        )}
        <label htmlFor="logo-file">Image (PNG, JPEG, GIF or WebP; at most 512 KiB)</label>
        <input
          id="logo-file"
          type="file"
          accept={LOGO_TYPES}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={!file || setLogo.isPending}>
            Upload logo
          </button>
          {me.account.hasLogo && (
            <button type="button" onClick={() => setLogo.mutate(null)} disabled={setLogo.isPending}>
              Remove logo
            </button>
          )}
        </div>
        <FormStatus error={fileError ?? setLogo.error} success={setLogo.isSuccess && 'Logo updated.'} />
      </form>
    </>
  );
}
