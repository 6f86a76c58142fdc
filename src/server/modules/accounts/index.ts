export { registerAccountRoutes } from './accounts.routes.js';
export {
  createAccount,
  findAccountBrand,
  getUser,
  listAccountOwnerIds,
  logoPathOf,
  nextTicketNumber,
} from './accounts.service.js';
