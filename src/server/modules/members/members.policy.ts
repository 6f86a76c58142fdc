import {
  ACCOUNT_ROLE_PERMISSIONS,
  type AccountPermission,
  type AccountRole,
  PERMISSIONS,
  type Permission,
} from '../../../shared/tickets.js';
import { forbidden } from '../../lib/errors.js';

export type RoleKind = 'owner' | 'admin' | 'staff' | 'custom';

/** A staff member as seen inside one project: their role's permissions decide everything. */
export interface Member {
  userId: string;
  accountId: string;
  projectId: string;
  roleKind: RoleKind;
  permissions: ReadonlySet<Permission>;
}

export const BUILT_IN_ROLES: { name: string; kind: RoleKind; permissions: Permission[] }[] = [
  { name: 'Owner', kind: 'owner', permissions: [...PERMISSIONS] },
  // Admin holds every permission; deleting the project is reserved to the Owner role itself.
  { name: 'Admin', kind: 'admin', permissions: [...PERMISSIONS] },
  {
    name: 'Staff',
    kind: 'staff',
    permissions: [
      'tickets.view_all',
      'tickets.create',
      'tickets.update',
      'tickets.assign',
      'tickets.change_status',
      'tickets.change_priority',
      'messages.create',
      'messages.create_internal',
      'messages.edit_own',
      'messages.delete_own',
      'csat.view',
    ],
  },
];

export const can = (member: Member, permission: Permission): boolean => member.permissions.has(permission);

export function requirePermission(member: Member, permission: Permission): void {
  if (!can(member, permission)) throw forbidden(`Your role does not include the "${permission}" permission.`);
}

/** Mirrors resetMemberSessions: members.manage, and the account owner's sessions are theirs alone. */
export const canResetSessions = (member: Member, target: { userId: string; accountRole: AccountRole }) =>
  can(member, 'members.manage') && (target.accountRole !== 'owner' || target.userId === member.userId);

export const canEditRole = (role: { kind: RoleKind }): boolean => role.kind !== 'owner';
export const canDeleteRole = (role: { kind: RoleKind }): boolean => role.kind === 'custom';

/** A staff member as seen by the account: their account role decides the account-wide permissions. */
export interface AccountMember {
  userId: string;
  accountId: string;
  accountRole: AccountRole;
  permissions: ReadonlySet<AccountPermission>;
}

export const accountPermissionsOf = (role: AccountRole): ReadonlySet<AccountPermission> =>
  new Set(ACCOUNT_ROLE_PERMISSIONS[role]);

export function requireAccountPermission(member: AccountMember, permission: AccountPermission): void {
  if (!member.permissions.has(permission)) {
    throw forbidden(`Only the account owner holds the account-wide "${permission}" permission.`);
  }
}
