import { z } from 'zod';
import { asLanguage, isLanguage } from '../../../shared/i18n/index.js';
import type { AppContext } from '../../app-context.js';
import { AppError } from '../../lib/errors.js';
import { html, renderPage, sendHtml } from '../../lib/html.js';
import type { Api } from '../../lib/http.js';
import { authenticate } from '../auth/index.js';
import { previewTicketView } from './portal.service.js';
import { portalLocale, renderTicketPage } from './portal-page.js';

/**
 * Staff's read-only preview of a ticket's portal page, under the staff session (cookie or API token)
 * and visible to whoever may see the ticket: staff check what the requester sees without holding the
 * requester's secret link.
 */
export function registerPortalPreviewRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/portal-preview/:ticketId',
    { schema: { hide: true, params: z.object({ ticketId: z.uuid() }) } },
    async (request, reply) => {
      try {
        const actor = await authenticate(ctx, request);
        const view = await previewTicketView(ctx.db, ctx.clock, actor, request.params.ticketId);
        // In the requester's language, as they see it; no switcher (staff change nothing here).
        const language = isLanguage(view.requesterLanguage)
          ? view.requesterLanguage
          : asLanguage(view.account.defaultLanguage);
        const locale = portalLocale(language, view.account.timezone, null);
        return sendHtml(reply, 200, renderTicketPage(view, { base: request.url, preview: true, locale }));
      } catch (err) {
        if (!(err instanceof AppError) || err.statusCode >= 500) throw err;
        const page = renderPage(
          'Preview unavailable',
          html`<main><h1>Preview unavailable</h1><p>${err.message}</p></main>`,
        );
        return sendHtml(reply, err.statusCode, page);
      }
    },
  );
}
