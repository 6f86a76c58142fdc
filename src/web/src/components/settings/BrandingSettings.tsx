import { type FormEvent, useState } from 'react';
import { brandPalette, DEFAULT_BRAND_COLOR } from '../../../../shared/brand-color';
import { isLanguage, LANGUAGE_NAMES, LANGUAGES } from '../../../../shared/i18n';
import { useSetLogo, useUpdateAccount } from '../../api/account';
import { t } from '../../lib/i18n';
import { useSession } from '../../lib/session';
import { FormStatus } from '../FormStatus';

const LOGO_TYPES = 'image/png,image/jpeg,image/gif,image/webp';
const LOGO_MAX_BYTES = 512 * 1024;

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return zones.includes(current) ? zones : [current, ...zones];
}

/** The colour's button and links as customers will see them: the text colours are derived for contrast. */
function BrandPreview({ color }: { color: string }) {
  const p = brandPalette(color);
  return (
    <div className="brand-preview" id="brand-preview">
      <span className="brand-preview-button" style={{ background: p.brand, color: p.onBrand }}>
        {t('settings.branding.color.sampleButton')}
      </span>
      <span className="brand-preview-page" style={{ background: '#ffffff', color: p.linkLight }}>
        {t('settings.branding.color.sampleLinkLight')}
      </span>
      <span className="brand-preview-page" style={{ background: '#16181d', color: p.linkDark }}>
        {t('settings.branding.color.sampleLinkDark')}
      </span>
    </div>
  );
}

/** The account's name, time zone, logo and brand colour (they brand the portal, surveys and mails). */
export function BrandingSettings() {
  const me = useSession();
  const update = useUpdateAccount();
  const updateColor = useUpdateAccount();
  const setLogo = useSetLogo();
  const [name, setName] = useState(me.account.name);
  const [timezone, setTimezone] = useState(me.account.timezone);
  const [defaultLanguage, setDefaultLanguage] = useState(me.account.defaultLanguage);
  const [color, setColor] = useState(me.account.brandColor ?? DEFAULT_BRAND_COLOR);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [logoVersion, setLogoVersion] = useState(0);

  const save = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ name, timezone, defaultLanguage });
  };
  const saveColor = (event: FormEvent) => {
    event.preventDefault();
    updateColor.mutate({ brandColor: color });
  };
  const resetColor = () => {
    setColor(DEFAULT_BRAND_COLOR);
    updateColor.mutate({ brandColor: null });
  };
  const upload = (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    if (file.size > LOGO_MAX_BYTES) {
      setFileError(t('settings.branding.logo.tooLarge'));
      return;
    }
    setFileError(null);
    setLogo.mutate(file, { onSuccess: () => setLogoVersion((v) => v + 1) });
  };

  return (
    <>
      <form className="card form" onSubmit={save} aria-labelledby="account-title">
        <h2 id="account-title">{t('settings.branding.account.title')}</h2>
        <label htmlFor="account-name">{t('settings.branding.account.name')}</label>
        <input
          id="account-name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="account-timezone">{t('settings.branding.account.timezone')}</label>
        <select id="account-timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
          {timeZones(me.account.timezone).map((z) => (
            <option key={z}>{z}</option>
          ))}
        </select>
        <label htmlFor="account-language">{t('settings.branding.account.language')}</label>
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
          {t('settings.branding.save')}
        </button>
        <FormStatus error={update.error} success={update.isSuccess && t('settings.branding.saved')} />
      </form>

      <form className="card form" onSubmit={saveColor} aria-labelledby="brand-color-title">
        <h2 id="brand-color-title">{t('settings.branding.color.title')}</h2>
        <p className="muted">{t('settings.branding.color.intro')}</p>
        <label htmlFor="brand-color">{t('settings.branding.color.label')}</label>
        <input id="brand-color" type="color" value={color} onChange={(e) => setColor(e.target.value)} />
        <BrandPreview color={color} />
        <div className="button-row">
          <button type="submit" className="primary" disabled={updateColor.isPending}>
            {t('settings.branding.color.save')}
          </button>
          {me.account.brandColor && (
            <button type="button" onClick={resetColor} disabled={updateColor.isPending}>
              {t('settings.branding.color.reset')}
            </button>
          )}
        </div>
        <FormStatus
          error={updateColor.error}
          success={updateColor.isSuccess && t('settings.branding.color.saved')}
        />
      </form>

      <form className="card form" onSubmit={upload} aria-labelledby="logo-title">
        <h2 id="logo-title">{t('settings.branding.logo.title')}</h2>
        {me.account.hasLogo ? (
          <img
            className="logo-preview"
            src={`/api/v1/accounts/${me.account.id}/logo?v=${logoVersion}`}
            alt={t('settings.branding.logo.current', { account: me.account.name })}
          />
        ) : (
          <p className="muted">{t('settings.branding.logo.none')}</p>
        )}
        <label htmlFor="logo-file">{t('settings.branding.logo.file')}</label>
        <input
          id="logo-file"
          type="file"
          accept={LOGO_TYPES}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <div className="button-row">
          <button type="submit" className="primary" disabled={!file || setLogo.isPending}>
            {t('settings.branding.logo.upload')}
          </button>
          {me.account.hasLogo && (
            <button type="button" onClick={() => setLogo.mutate(null)} disabled={setLogo.isPending}>
              {t('settings.branding.logo.remove')}
            </button>
          )}
        </div>
        <FormStatus
          error={fileError ?? setLogo.error}
          success={setLogo.isSuccess && t('settings.branding.logo.updated')}
        />
      </form>
    </>
  );
}
