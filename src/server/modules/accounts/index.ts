export { registerAccountRoutes } from './accounts.routes.js';
export {
  createAccount,
  findAccountBrand,
  getUser,
  listAccountOwnerIds,
  logoPathOf,
  type NextTicketNumber,
  nextTicketNumber,
} from './accounts.service.js';
