export {
  assertNotStaffOf,
  assertSameOrigin,
  authenticate,
  registerAuthRoutes,
  SESSION_COOKIE,
  sessionClientOf,
} from './auth.routes.js';
export { createApiToken, createSession, createUser, type StaffActor } from './auth.service.js';
export { purgeExpiredSignInsJob } from './auth-purge.job.js';
export { registerPasswordRoutes } from './password.routes.js';
export { findPasswordResetForMail, passwordResetPath } from './password.service.js';
export { registerSessionRoutes } from './sessions.routes.js';
export { endAllSessions } from './sessions.service.js';
