import type { AppContext } from '../../app-context.js';
import type { Api } from '../../lib/http.js';
import { registerPortalApiRoutes } from './portal-api.routes.js';
import { registerPortalHomeRoutes } from './portal-home.routes.js';
import { registerPortalPreviewRoutes } from './portal-preview.routes.js';
import { registerPortalSignInRoutes } from './portal-sign-in.routes.js';
import { registerPortalTicketPages } from './portal-ticket.routes.js';
import { registerRequestFormRoutes } from './request-form.routes.js';

/** The requester portal: per-ticket pages by secret link, customer sign-in and home, the public request form, their JSON API, and staff's preview. */
export function registerPortalRoutes(app: Api, ctx: AppContext) {
  registerPortalTicketPages(app, ctx);
  registerPortalApiRoutes(app, ctx);
  registerPortalSignInRoutes(app, ctx);
  registerPortalHomeRoutes(app, ctx);
  registerPortalPreviewRoutes(app, ctx);
  registerRequestFormRoutes(app, ctx);
}
