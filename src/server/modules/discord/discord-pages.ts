import { html, renderPage } from '../../lib/html.js';
import type { LinkRefusal } from './discord.service.js';

/** A callback that linked nothing: what happened, that nothing was stored, and the way back. */
export function renderLinkRefusal(refusal: LinkRefusal): string {
  return renderPage(
    refusal.title,
    html`<main>
<h1 id="discord-link-title">${refusal.title}</h1>
<p id="discord-link-message">${refusal.message}</p>
<p>Nothing was linked; your Discord account is as it was before.</p>
${refusal.returnTo ? html`<p><a href="${refusal.returnTo}" id="discord-link-back">Back to your ticket page</a>, where you can try again.</p>` : html`<p>Open your ticket page or the portal again and choose "Link Discord" once more.</p>`}
</main>`,
  );
}
