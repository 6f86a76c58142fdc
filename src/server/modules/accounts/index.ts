export { registerAccountRoutes } from './accounts.routes.js';
export {
  createAccount,
  findAccountBrand,
  getUser,
  logoPathOf,
  takeTicketNumber,
} from './accounts.service.js';
