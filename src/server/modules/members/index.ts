export {
  type AccountMember,
  can,
  type Member,
  requireAccountPermission,
  requirePermission,
} from './members.policy.js';
export { registerMemberRoutes } from './members.routes.js';
export { permissionSchema, roleKindSchema } from './members.schemas.js';
export {
  addOwner,
  createBuiltInRoles,
  createStaffUser,
  getAccountMember,
  getMember,
  isMember,
  listMemberships,
} from './members.service.js';
