export { registerAccountRoutes } from './accounts.routes.js';
export { createAccount } from './accounts.service.js';
