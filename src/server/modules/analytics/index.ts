export { registerAnalyticsRoutes } from './analytics.routes.js';
export { rebuildDailyCounts } from './analytics.service.js';
