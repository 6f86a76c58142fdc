export { registerAccountRoutes } from './accounts.routes.js';
export { createAccount, findAccountBrand, logoPathOf } from './accounts.service.js';
