import type { Placeholder } from 'drizzle-orm';
import { asLanguage, type Language } from '../../../shared/i18n/index.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import type { PasswordCost } from '../../lib/tokens.js';
import { createApiToken, type StaffActor } from '../auth/index.js';
import {
  addOwner,
  createBuiltInRoles,
  createStaffUser,
  getAccountMember,
  listMemberships,
  type Member,
  requireAccountPermission,
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
export async function setupInstance(tx: Tx, clock: Clock, cost: PasswordCost, input: SetupInput) {
  await repo.lockSetup(tx);
  if (await repo.hasAnyAccount(tx))
    throw new AppError('SETUP_DONE', 'Clearline is already set up; sign in instead.');
  return createAccount(tx, clock, cost, input);
}

/**
 * An account with its first project and its owner, who holds the account-wide permissions. Setup
 * uses it once; tests build tenants with it.
 */
export async function createAccount(tx: Tx, clock: Clock, cost: PasswordCost, input: SetupInput) {
  const now = clock.now();
  const account = await repo.insertAccount(tx, {
    name: input.accountName,
    timezone: input.timezone ?? 'UTC',
    createdAt: now,
  });
  const user = await createStaffUser(tx, clock, cost, {
    accountId: account.id,
    email: input.email,
    name: input.name,
    password: input.password,
    accountRole: 'owner',
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

/** A project is added by whoever may manage settings in at least one of the account's projects. */
async function assertMayCreateProject(db: Queryable, actor: StaffActor) {
  const memberships = await listMemberships(db, actor);
  if (!memberships.some((m) => m.permissions.includes('settings.manage'))) {
    throw forbidden('Creating a project needs the "settings.manage" permission in one of its projects.');
  }
}

/**
 * Name, logo, brand colour and time zone brand every project's portal and mails: they need the account-wide
 * `account.manage` (the account owner), not settings.manage in one project.
 */
async function assertAccountManager(db: Queryable, actor: StaffActor) {
  requireAccountPermission(await getAccountMember(db, actor), 'account.manage');
}

/** The account, with what the actor may do with it. */
export async function getAccount(db: Queryable, actor: StaffActor) {
  const [account, member] = await Promise.all([
    repo.findAccount(db, actor.accountId),
    getAccountMember(db, actor),
  ]);
  if (!account) throw notFound('Account');
  const manage = member.permissions.has('account.manage');
  return {
    ...account,
    defaultLanguage: asLanguage(account.defaultLanguage),
    abilities: { update: manage, viewOutgoingMail: manage },
  };
}

export async function updateAccount(
  tx: Tx,
  actor: StaffActor,
  input: {
    name?: string | undefined;
    timezone?: string | undefined;
    defaultLanguage?: Language | undefined;
    brandColor?: string | null | undefined;
  },
) {
  await assertAccountManager(tx, actor);
  await repo.updateAccount(tx, actor.accountId, {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.timezone !== undefined && { timezone: input.timezone }),
    ...(input.defaultLanguage !== undefined && { defaultLanguage: input.defaultLanguage }),
    ...(input.brandColor !== undefined && { brandColor: input.brandColor }),
  });
  return getAccount(tx, actor);
}

const IMAGE_SIGNATURES: { type: string; matches: (b: Buffer) => boolean }[] = [
  { type: 'image/png', matches: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')) },
  { type: 'image/jpeg', matches: (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')) },
  { type: 'image/gif', matches: (b) => /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    matches: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

/** The image type the bytes themselves say (magic numbers), or null: the declared type is not trusted. */
export const detectImageType = (data: Buffer): string | null =>
  IMAGE_SIGNATURES.find((s) => s.matches(data))?.type ?? null;

/**
 * Stores the logo under the type its bytes show, so that the public logo URL never serves
 * something else (HTML, SVG with scripts) under an image's name.
 */
export async function setAccountLogo(tx: Tx, actor: StaffActor, data: Buffer | null) {
  await assertAccountManager(tx, actor);
  const contentType = data && detectImageType(data);
  if (data && !contentType) {
    throw new AppError('NOT_AN_IMAGE', 'The logo must be a PNG, JPEG, WebP or GIF image.');
  }
  await repo.updateAccount(tx, actor.accountId, { logo: data, logoContentType: contentType });
}

/** The logo's public path (it brands the portal, survey pages and mails), or null without a logo. */
export const logoPathOf = (account: { id: string; hasLogo: boolean }) =>
  account.hasLogo ? `/api/v1/accounts/${account.id}/logo` : null;

/**
 * What public pages and mails show of an account: its name, logo and brand colour, and the time zone and language
 * they are written in when the customer's own is unknown; null for an unknown account.
 */
export async function findAccountBrand(db: Queryable, accountId: string) {
  const account = await repo.findAccountBrand(db, accountId);
  return account
    ? {
        id: account.id,
        name: account.name,
        logoPath: logoPathOf(account),
        brandColor: account.brandColor,
        timezone: account.timezone,
        defaultLanguage: asLanguage(account.defaultLanguage),
      }
    : null;
}

export const getAccountLogo = (db: Queryable, accountId: string) => repo.findAccountLogo(db, accountId);

export async function createProject(
  tx: Tx,
  clock: Clock,
  actor: StaffActor,
  input: { name: string; key?: string | undefined },
) {
  await assertMayCreateProject(tx, actor);
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
export const listAccountOwnerIds = (db: Queryable, accountId: string) =>
  repo.findAccountOwnerIds(db, accountId);

/** The health check's database round trip: throws when the database does not answer. */
export const checkDatabase = (db: Queryable) => repo.pingDatabase(db);

/**
 * The project's next ticket number (ACME-42's 42) as a WITH query (`next_ticket_number.number`) for
 * the statement that inserts the ticket. Its row lock serialises the project's tickets until
 * commit, so it is taken in the transaction's last write: numbers stay gap-free and in commit order
 * while the lock is held for as short a time as possible.
 */
export const nextTicketNumber = (db: Queryable, projectId: string | Placeholder) =>
  db.$with('next_ticket_number').as(repo.incrementTicketCounter(db, projectId));
