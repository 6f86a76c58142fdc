import type { MessageKey } from '../../../shared/i18n/index.js';
import { html, renderPage } from '../../lib/html.js';
import { type PageLocale, renderLanguageSwitcher, withMarkup } from '../../lib/language.js';
import { type LinkRefusal, OAUTH_STATE_MINUTES } from './discord.service.js';

const TITLES: Record<LinkRefusal['reason'], MessageKey> = {
  invalid: 'discord.invalidTitle',
  otherBrowser: 'discord.otherBrowserTitle',
  expired: 'discord.expiredTitle',
  cancelled: 'discord.notLinkedTitle',
  discordError: 'discord.notLinkedTitle',
  noCode: 'discord.notLinkedTitle',
  notSetUp: 'discord.notLinkedTitle',
  unconfirmed: 'discord.unconfirmedTitle',
};

function messageOf({ t }: PageLocale, refusal: LinkRefusal): string {
  const action = t('discord.link');
  switch (refusal.reason) {
    case 'invalid':
      return t('discord.invalidText');
    case 'otherBrowser':
      return t('discord.otherBrowserText', { action });
    case 'expired':
      return t('discord.expiredText', { count: OAUTH_STATE_MINUTES });
    case 'cancelled':
      return t('discord.cancelledText');
    case 'discordError':
      return t('discord.answeredText', { error: refusal.detail ?? '' });
    case 'noCode':
      return t('discord.noCodeText');
    case 'notSetUp':
      return t('discord.notSetUpText');
    case 'unconfirmed':
      // What went wrong, in Discord's or the network's words: the customer or their help desk can act on it.
      return refusal.detail
        ? `${t('discord.unconfirmedText')} (${refusal.detail})`
        : t('discord.unconfirmedText');
  }
}

/** A callback that linked nothing: what happened, that nothing was stored, and the way back. */
export function renderLinkRefusal(locale: PageLocale, refusal: LinkRefusal): string {
  const { t } = locale;
  const title = t(TITLES[refusal.reason]);
  return renderPage(
    title,
    html`<main>
<h1 id="discord-link-title">${title}</h1>
<p id="discord-link-message">${messageOf(locale, refusal)}</p>
<p>${t('discord.nothingLinked')}</p>
${refusal.returnTo ? html`<p>${withMarkup(t('discord.back'), 'link', html`<a href="${refusal.returnTo}" id="discord-link-back">${t('discord.backLink')}</a>`)}</p>` : html`<p>${t('discord.startAgain', { action: t('discord.link') })}</p>`}
</main>
<footer>${renderLanguageSwitcher(t, locale.language, locale.switchAction)}</footer>`,
    { lang: locale.language },
  );
}
