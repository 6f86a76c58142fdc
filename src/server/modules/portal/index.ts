export { portalPath } from '../tickets/index.js';
export { signInLinkIdsExcept } from './portal.repo.js';
export { registerPortalRoutes } from './portal.routes.js';
export { PORTAL_COOKIE } from './portal-actions.js';
export { findSignInLink, signInPath } from './portal-customer.service.js';
export { purgeExpiredPortalAccessJob } from './portal-purge.job.js';
