import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { createApiToken, type StaffActor } from '../auth/index.js';
import {
  addOwner,
  createBuiltInRoles,
  createStaffUser,
  listMemberships,
  type Member,
  requirePermission,
} from '../members/index.js';
import * as repo from './accounts.repo.js';

/** ACME from "Acme Support": the letters and digits of the first word, at most 6. */
export function deriveProjectKey(name: string): string {
  const word =
    name
      .toUpperCase()
      .replace(/[^A-Z0-9 ]/g, '')
      .trim()
      .split(/\s+/)[0] ?? '';
  return word.slice(0, 6).length >= 2 ? word.slice(0, 6) : 'HD';
}

export interface SetupInput {
  accountName: string;
  projectName: string;
  projectKey?: string | undefined;
  timezone?: string | undefined;
  name: string;
  email: string;
  password: string;
}

/** First run: the account, its first project with built-in roles, the owner, and an API token. */
export async function setupInstance(tx: Tx, clock: Clock, input: SetupInput) {
  await repo.lockSetup(tx);
  if (await repo.hasAnyAccount(tx))
    throw new AppError('SETUP_DONE', 'Clearline is already set up; sign in instead.');
  return createAccount(tx, clock, input);
}

/** An account with its first project and owner. Setup uses it once; tests build tenants with it. */
export async function createAccount(tx: Tx, clock: Clock, input: SetupInput) {
  const now = clock.now();
  const account = await repo.insertAccount(tx, {
    name: input.accountName,
    timezone: input.timezone ?? 'UTC',
    createdAt: now,
  });
  const user = await createStaffUser(tx, clock, {
    accountId: account.id,
    email: input.email,
    name: input.name,
    password: input.password,
  });
  const project = await createProjectFor(tx, clock, account.id, user.id, input.projectName, input.projectKey);
  const token = await createApiToken(
    tx,
    clock,
    { userId: user.id, accountId: account.id },
    'Created at setup',
  );
  return { token: token.token, accountId: account.id, projectId: project.id, userId: user.id };
}

async function createProjectFor(
  tx: Tx,
  clock: Clock,
  accountId: string,
  ownerId: string,
  name: string,
  key: string | undefined,
) {
  const project = await repo.insertProject(tx, {
    accountId,
    name,
    key: key ?? deriveProjectKey(name),
    createdAt: clock.now(),
  });
  const { ownerRoleId } = await createBuiltInRoles(tx, project);
  await addOwner(tx, clock, project, ownerId, ownerRoleId);
  return project;
}

/** The first account's name, or null while setup has not run. */
export const getInstanceName = (db: Queryable) => repo.findFirstAccountName(db);

/** Account-wide settings belong to whoever may manage settings in at least one of its projects. */
async function assertAccountAdmin(db: Queryable, actor: StaffActor) {
  const memberships = await listMemberships(db, actor);
  if (!memberships.some((m) => m.permissions.includes('settings.manage'))) {
    throw forbidden(
      'Changing account settings needs the "settings.manage" permission in one of its projects.',
    );
  }
}

export async function getAccount(db: Queryable, actor: StaffActor) {
  const account = await repo.findAccount(db, actor.accountId);
  if (!account) throw notFound('Account');
  return account;
}

export async function updateAccount(
  tx: Tx,
  actor: StaffActor,
  input: { name?: string | undefined; timezone?: string | undefined },
) {
  await assertAccountAdmin(tx, actor);
  await repo.updateAccount(tx, actor.accountId, {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.timezone !== undefined && { timezone: input.timezone }),
  });
  return getAccount(tx, actor);
}

export async function setAccountLogo(
  tx: Tx,
  actor: StaffActor,
  logo: { data: Buffer; contentType: string } | null,
) {
  await assertAccountAdmin(tx, actor);
  await repo.updateAccount(tx, actor.accountId, {
    logo: logo?.data ?? null,
    logoContentType: logo?.contentType ?? null,
  });
}

/** The logo's public path (it brands the portal, survey pages and mails), or null without a logo. */
export const logoPathOf = (account: { id: string; hasLogo: boolean }) =>
  account.hasLogo ? `/api/v1/accounts/${account.id}/logo` : null;

/** What public pages and mails show of an account: its name and logo; null for an unknown account. */
export async function findAccountBrand(db: Queryable, accountId: string) {
  const account = await repo.findAccountBrand(db, accountId);
  return account ? { id: account.id, name: account.name, logoPath: logoPathOf(account) } : null;
}

export const getAccountLogo = (db: Queryable, accountId: string) => repo.findAccountLogo(db, accountId);

export async function createProject(
  tx: Tx,
  clock: Clock,
  actor: StaffActor,
  input: { name: string; key?: string | undefined },
) {
  await assertAccountAdmin(tx, actor);
  return createProjectFor(tx, clock, actor.accountId, actor.userId, input.name, input.key);
}

export async function renameProject(tx: Tx, member: Member, name: string) {
  requirePermission(member, 'settings.manage');
  const project = await repo.updateProject(tx, member.projectId, { name });
  if (!project) throw notFound('Project');
  return project;
}

export async function deleteProject(tx: Tx, member: Member) {
  if (member.roleKind !== 'owner') throw forbidden('Only the owner can delete a project.');
  await repo.deleteProject(tx, member.projectId);
}

export const getUser = (db: Queryable, userId: string) => repo.findUser(db, userId);
