import { PERMISSIONS, type Permission } from '../../../shared/tickets.js';
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

export const canEditRole = (role: { kind: RoleKind }): boolean => role.kind !== 'owner';
export const canDeleteRole = (role: { kind: RoleKind }): boolean => role.kind === 'custom';
