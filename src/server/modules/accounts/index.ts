export { registerAccountRoutes } from './accounts.routes.js';
export { createAccount, findAccountBrand, getUser, logoPathOf } from './accounts.service.js';
