export {
  assertNotStaffOf,
  assertSameOrigin,
  authenticate,
  registerAuthRoutes,
  SESSION_COOKIE,
} from './auth.routes.js';
export { createApiToken, createSession, type StaffActor } from './auth.service.js';
export { purgeExpiredSignInsJob } from './auth-purge.job.js';
