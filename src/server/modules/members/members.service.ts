import type { AccountRole, Permission } from '../../../shared/tickets.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { hashPassword, type PasswordCost } from '../../lib/tokens.js';
import { createUser, endAllSessions, type StaffActor } from '../auth/index.js';
import {
  type AccountMember,
  accountPermissionsOf,
  BUILT_IN_ROLES,
  canDeleteRole,
  canEditRole,
  canResetSessions,
  type Member,
  requirePermission,
} from './members.policy.js';
import * as repo from './members.repo.js';

/** The actor as a member of the project, or 404: a project you are not in does not exist for you. */
export async function getMember(db: Queryable, actor: StaffActor, projectId: string): Promise<Member> {
  const row = await repo.findMembership(db, actor.userId, actor.accountId, projectId);
  if (!row) throw notFound('Project');
  return {
    userId: actor.userId,
    accountId: actor.accountId,
    projectId,
    roleKind: row.roleKind,
    permissions: new Set(row.permissions as Permission[]),
  };
}

/** The actor as a member of their account, with its account-wide permissions. */
export async function getAccountMember(db: Queryable, actor: StaffActor): Promise<AccountMember> {
  const accountRole = await repo.findAccountRole(db, actor.userId, actor.accountId);
  if (!accountRole) throw new AppError('UNAUTHENTICATED', 'Sign in again.');
  return {
    userId: actor.userId,
    accountId: actor.accountId,
    accountRole,
    permissions: accountPermissionsOf(accountRole),
  };
}

export const listMemberships = (db: Queryable, actor: StaffActor) => repo.listMemberships(db, actor.userId);

/** A new project, for the rows that belong to it. */
type ProjectRef = { id: string; accountId: string };

export async function createBuiltInRoles(tx: Tx, project: ProjectRef) {
  const rows = await repo.insertRoles(
    tx,
    BUILT_IN_ROLES.map((r) => ({
      accountId: project.accountId,
      projectId: project.id,
      name: r.name,
      kind: r.kind,
      permissions: r.permissions,
    })),
  );
  const owner = rows.find((r) => r.kind === 'owner');
  if (!owner) throw new Error('owner role missing');
  return { ownerRoleId: owner.id };
}

export async function addOwner(
  tx: Tx,
  clock: Clock,
  project: ProjectRef,
  userId: string,
  ownerRoleId: string,
) {
  await repo.insertMember(tx, {
    accountId: project.accountId,
    projectId: project.id,
    userId,
    roleId: ownerRoleId,
    createdAt: clock.now(),
  });
}

export async function isMember(db: Queryable, projectId: string, userId: string) {
  return (await repo.findMember(db, projectId, userId)) !== null;
}

export async function createStaffUser(
  tx: Tx,
  clock: Clock,
  cost: PasswordCost,
  input: { accountId: string; email: string; name: string; password: string; accountRole?: AccountRole },
) {
  return createUser(tx, {
    accountId: input.accountId,
    email: input.email,
    name: input.name,
    passwordHash: await hashPassword(input.password, cost),
    accountRole: input.accountRole ?? 'member',
    createdAt: clock.now(),
  });
}

export const listMembers = (db: Queryable, member: Member) => repo.listMembers(db, member.projectId);
export const listRoles = (db: Queryable, member: Member) => repo.listRoles(db, member.projectId);

async function getRole(db: Queryable, projectId: string, roleId: string) {
  const role = await repo.findRole(db, projectId, roleId);
  if (!role) throw notFound('Role');
  return role;
}

/** Only an Owner may hand out the Owner role. */
function assertMayGrant(member: Member, role: { kind: string }) {
  if (role.kind === 'owner' && member.roleKind !== 'owner')
    throw forbidden('Only an owner can make someone an owner.');
}

export async function addMember(
  tx: Tx,
  clock: Clock,
  cost: PasswordCost,
  member: Member,
  input: { email: string; name?: string | undefined; password?: string | undefined; roleId: string },
) {
  requirePermission(member, 'members.manage');
  const role = await getRole(tx, member.projectId, input.roleId);
  assertMayGrant(member, role);
  let user = await repo.findUserInAccount(tx, member.accountId, input.email);
  if (!user) {
    if (!input.name || !input.password) {
      throw new AppError('VALIDATION_ERROR', 'A new team member needs a name and a password.', [
        { field: !input.name ? 'name' : 'password', message: 'Required for a new team member' },
      ]);
    }
    user = await createStaffUser(tx, clock, cost, {
      accountId: member.accountId,
      ...input,
      name: input.name,
      password: input.password,
    });
  }
  if (await repo.findMember(tx, member.projectId, user.id)) {
    throw new AppError('CONFLICT', `${input.email} is already a member of this project.`);
  }
  await repo.insertMember(tx, {
    accountId: member.accountId,
    projectId: member.projectId,
    userId: user.id,
    roleId: role.id,
    createdAt: clock.now(),
  });
  return user.id;
}

async function getOtherMember(tx: Tx, member: Member, userId: string) {
  const target = await repo.findMember(tx, member.projectId, userId);
  if (!target) throw notFound('Member');
  if (target.roleKind === 'owner') throw forbidden('The owner cannot be changed or removed.');
  return target;
}

export async function changeMemberRole(tx: Tx, member: Member, userId: string, roleId: string) {
  requirePermission(member, 'members.manage');
  await getOtherMember(tx, member, userId);
  const role = await getRole(tx, member.projectId, roleId);
  assertMayGrant(member, role);
  await repo.updateMemberRole(tx, member.projectId, userId, role.id);
}

export async function removeMember(tx: Tx, member: Member, userId: string) {
  requirePermission(member, 'members.manage');
  await getOtherMember(tx, member, userId);
  await repo.deleteMember(tx, member.projectId, userId);
}

/**
 * Signs a member out everywhere (a lost laptop, a leaver): members.manage in a project they belong
 * to. The account owner's sessions are theirs alone to end.
 */
export async function resetMemberSessions(tx: Tx, member: Member, userId: string) {
  requirePermission(member, 'members.manage');
  const accountRole = (await repo.findMember(tx, member.projectId, userId))
    ? await repo.findAccountRole(tx, userId, member.accountId)
    : null;
  if (!accountRole) throw notFound('Member');
  if (!canResetSessions(member, { userId, accountRole })) {
    throw forbidden("Only the account owner can end the account owner's sessions.");
  }
  return endAllSessions(tx, userId);
}

export async function createRole(tx: Tx, member: Member, input: { name: string; permissions: Permission[] }) {
  requirePermission(member, 'roles.manage');
  const [role] = await repo.insertRoles(tx, [
    {
      accountId: member.accountId,
      projectId: member.projectId,
      name: input.name,
      kind: 'custom',
      permissions: [...new Set(input.permissions)],
    },
  ]);
  return role;
}

export async function updateRole(
  tx: Tx,
  member: Member,
  roleId: string,
  input: { name?: string | undefined; permissions?: Permission[] | undefined },
) {
  requirePermission(member, 'roles.manage');
  const role = await getRole(tx, member.projectId, roleId);
  if (!canEditRole(role)) throw forbidden('The Owner role cannot be edited.');
  return repo.updateRole(tx, role.id, {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.permissions !== undefined && { permissions: [...new Set(input.permissions)] }),
  });
}

export async function deleteRole(tx: Tx, member: Member, roleId: string) {
  requirePermission(member, 'roles.manage');
  const role = await getRole(tx, member.projectId, roleId);
  if (!canDeleteRole(role)) throw forbidden('Built-in roles cannot be deleted.');
  const holders = await repo.countMembersWithRole(tx, role.id);
  if (holders > 0) {
    throw new AppError(
      'CONFLICT',
      `${holders} member(s) still have this role; give them another role first.`,
    );
  }
  await repo.deleteRole(tx, role.id);
}
