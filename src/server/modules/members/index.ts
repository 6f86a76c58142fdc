export { can, type Member, requirePermission } from './members.policy.js';
export { registerMemberRoutes } from './members.routes.js';
export {
  addOwner,
  createBuiltInRoles,
  createStaffUser,
  getMember,
  isMember,
  listMemberships,
} from './members.service.js';
