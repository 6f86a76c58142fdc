export { registerAccountRoutes } from './accounts.routes.js';
export {
  createAccount,
  findAccountBrand,
  getUser,
  listAccountOwnerIds,
  logoPathOf,
  takeTicketNumber,
} from './accounts.service.js';
