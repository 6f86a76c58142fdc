export { portalPath } from '../tickets/index.js';
export { registerPortalRoutes } from './portal.routes.js';
export { PORTAL_COOKIE } from './portal-actions.js';
export { findSignInLink, signInLinkIdsExcept, signInPath } from './portal-customer.service.js';
export { purgeExpiredPortalAccessJob } from './portal-purge.job.js';
