export { registerAccountRoutes } from './accounts.routes.js';
