export { registerAnalyticsRoutes } from './analytics.routes.js';
