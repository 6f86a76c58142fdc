import { type APIApplication, type APIUser, Routes } from 'discord-api-types/v10';
import type { Scope } from '../../app-context.js';
import type { Config } from '../../config.js';
import type { Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secret-box.js';
import { generateSecret, hashSecret } from '../../lib/tokens.js';
import type { StaffActor } from '../auth/index.js';
import { listTicketDeliveries } from '../delivery/index.js';
import { getAccountMember, getMember, listMemberships, requireAccountPermission } from '../members/index.js';
import { getTicketAccess } from '../tickets/index.js';
import * as repo from './discord.repo.js';
import {
  discordRest,
  discordRestAnonymous,
  forgetDiscordClient,
  isDiscordApiError,
  isDiscordHttpError,
} from './discord-rest.js';

/** How long a "Link Discord" may take between leaving the portal and coming back. */
export const OAUTH_STATE_MINUTES = 10;
/**
 * The state again, in a cookie of the browser that started the link: a consent URL sent to someone
 * else comes back without it, so nobody can link their Discord to another customer's tickets.
 */
export const DISCORD_STATE_COOKIE = 'clearline_discord_state';

const botTokenContext = (accountId: string) => `discord.bot_token:${accountId}`;
const clientSecretContext = (accountId: string) => `discord.client_secret:${accountId}`;
const returnToContext = (stateHash: string) => `discord.return_to:${stateHash}`;

export type DeliveryMode = 'dm_only' | 'dm_and_email';

/** Where Clearline is told to be reached from Discord's developer portal. */
export const interactionsUrlOf = (config: Config, accountId: string) =>
  `${config.publicUrl}/api/v1/discord/${accountId}/interactions`;
export const redirectUrlOf = (config: Config) => `${config.publicUrl}/portal/discord/callback`;

/** What Discord said, word for word where it said something: the admin sees the exact reason. */
export function describeDiscordError(err: unknown, apiUrl: string): string {
  if (isDiscordApiError(err)) return `Discord answered ${err.status}: ${err.message} (code ${err.code}).`;
  if (isDiscordHttpError(err)) return `Discord answered ${err.status}: ${err.message}.`;
  const cause =
    err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
  return `Could not reach Discord at ${apiUrl}: ${cause}`;
}

async function assertAccountManager(db: Queryable, actor: StaffActor) {
  requireAccountPermission(await getAccountMember(db, actor), 'account.manage');
}

/** The settings page: never a secret, only that it is set, its last 4 characters and when. */
export async function getDiscordSettings(db: Queryable, config: Config, actor: StaffActor) {
  await assertAccountManager(db, actor);
  const [app, memberships, modes] = await Promise.all([
    repo.findApp(db, actor.accountId),
    listMemberships(db, actor),
    repo.findProjectModes(db, actor.accountId),
  ]);
  const dmAndEmail = new Set(modes.filter((m) => m.dmAndEmail).map((m) => m.projectId));
  const secret = (last4: string) => app && { set: true as const, last4, savedAt: app.savedAt.toISOString() };
  const addBot = app && new URL(config.discordAuthorizeUrl);
  if (addBot && app) {
    // DMs need no permission in the server: the bot only has to share one with the customer.
    addBot.search = new URLSearchParams({
      client_id: app.applicationId,
      scope: 'bot',
      permissions: '0',
    }).toString();
  }
  return {
    configured: app !== null,
    applicationId: app?.applicationId ?? null,
    publicKey: app?.publicKey ?? null,
    botToken: app ? secret(app.botTokenLast4) : null,
    clientSecret: app ? secret(app.clientSecretLast4) : null,
    botName: app?.botName ?? null,
    broken:
      app?.brokenAt && app.brokenReason ? { at: app.brokenAt.toISOString(), reason: app.brokenReason } : null,
    interactionsUrl: interactionsUrlOf(config, actor.accountId),
    redirectUrl: redirectUrlOf(config),
    addBotUrl: addBot ? addBot.toString() : null,
    projects: memberships.map((m) => ({
      id: m.projectId,
      name: m.projectName,
      delivery: (dmAndEmail.has(m.projectId) ? 'dm_and_email' : 'dm_only') as DeliveryMode,
    })),
  };
}

export interface DiscordSettingsInput {
  applicationId: string;
  publicKey: string;
  botToken?: string | undefined;
  clientSecret?: string | undefined;
}

/**
 * Checks the settings against Discord before anything is stored: the bot token must be accepted
 * (GET /users/@me gives the bot's name) and belong to this application with this public key
 * (GET /applications/@me). Runs outside any transaction: it waits on the network.
 */
export async function checkDiscordSettings(
  db: Queryable,
  config: Config,
  secrets: SecretBox,
  actor: StaffActor,
  input: DiscordSettingsInput,
) {
  await assertAccountManager(db, actor);
  const saved = await repo.findApp(db, actor.accountId);
  const botToken =
    input.botToken ?? (saved && secrets.open(saved.botTokenSealed, botTokenContext(actor.accountId)));
  const clientSecret =
    input.clientSecret ??
    (saved && secrets.open(saved.clientSecretSealed, clientSecretContext(actor.accountId)));
  if (!botToken || !clientSecret) {
    throw new AppError('VALIDATION_ERROR', 'Enter the bot token and the client secret.', [
      ...(botToken ? [] : [{ field: 'botToken', message: 'Required' }]),
      ...(clientSecret ? [] : [{ field: 'clientSecret', message: 'Required' }]),
    ]);
  }
  const rest = await discordRest(config.discordApiUrl, botToken);
  let bot: APIUser;
  let application: APIApplication;
  try {
    bot = (await rest.get(Routes.user('@me'))) as APIUser;
    application = (await rest.get(Routes.currentApplication())) as APIApplication;
  } catch (err) {
    forgetDiscordClient(config.discordApiUrl, botToken);
    throw new AppError(
      'DISCORD_CHECK_FAILED',
      `The bot token was refused. ${describeDiscordError(err, config.discordApiUrl)}`,
    );
  }
  if (application.id !== input.applicationId) {
    throw new AppError(
      'DISCORD_CHECK_FAILED',
      `The bot token belongs to application ${application.id}, not ${input.applicationId}.`,
    );
  }
  if (application.verify_key.toLowerCase() !== input.publicKey) {
    throw new AppError('DISCORD_CHECK_FAILED', `The public key is not application ${application.id}'s.`);
  }
  return { botToken, clientSecret, botName: bot.username };
}

export async function saveDiscordSettings(
  tx: Tx,
  clock: Clock,
  secrets: SecretBox,
  actor: StaffActor,
  input: DiscordSettingsInput & { botToken: string; clientSecret: string; botName: string },
) {
  await assertAccountManager(tx, actor);
  const { accountId } = actor;
  await repo.upsertApp(tx, {
    accountId,
    applicationId: input.applicationId,
    publicKey: input.publicKey,
    botTokenSealed: secrets.seal(input.botToken, botTokenContext(accountId)),
    botTokenLast4: input.botToken.slice(-4),
    clientSecretSealed: secrets.seal(input.clientSecret, clientSecretContext(accountId)),
    clientSecretLast4: input.clientSecret.slice(-4),
    botName: input.botName,
    savedAt: clock.now(),
  });
}

export async function setProjectDeliveryMode(
  tx: Tx,
  actor: StaffActor,
  projectId: string,
  mode: DeliveryMode,
) {
  await assertAccountManager(tx, actor);
  await getMember(tx, actor, projectId); // 404 for a project that is not the actor's
  await repo.upsertProjectMode(tx, actor.accountId, projectId, mode === 'dm_and_email');
}

/** How a project's Discord-linked customers get survey invitations. */
export const getDiscordDeliveryMode = async (db: Queryable, projectId: string): Promise<DeliveryMode> =>
  (await repo.findProjectMode(db, projectId)) ? 'dm_and_email' : 'dm_only';

/**
 * The account's Discord application with its secrets opened, or null when there is none (or the
 * sealed values no longer open: SECRET_KEY changed, and the admin must save them again).
 */
export async function getDiscordApp(db: Queryable, secrets: SecretBox, accountId: string) {
  const app = await repo.findApp(db, accountId);
  if (!app) return null;
  const botToken = secrets.open(app.botTokenSealed, botTokenContext(accountId));
  const clientSecret = secrets.open(app.clientSecretSealed, clientSecretContext(accountId));
  if (!botToken || !clientSecret) return null;
  return {
    accountId,
    applicationId: app.applicationId,
    publicKey: app.publicKey,
    botToken,
    clientSecret,
    botName: app.botName,
    brokenAt: app.brokenAt,
    brokenReason: app.brokenReason,
  };
}

/** After Discord refused the bot token (401): sends stop until an admin saves the settings again. */
export const markDiscordSetupBroken = (tx: Tx, clock: Clock, accountId: string, reason: string) =>
  repo.markAppBroken(tx, accountId, clock.now(), reason);

/** Discord refused DMs to this customer for good (50007, 50278, 10013): no DM is tried again. */
export const markDmUndeliverable = (
  tx: Tx,
  clock: Clock,
  accountId: string,
  customerId: string,
  reason: string,
) => repo.markLinkUndeliverable(tx, accountId, customerId, clock.now(), reason);

export async function getDiscordLink(db: Queryable, accountId: string, customerId: string) {
  const link = await repo.findLink(db, accountId, customerId);
  return (
    link && {
      discordUserId: link.discordUserId,
      discordUsername: link.discordUsername,
      linkedAt: link.linkedAt,
      dmUndeliverableAt: link.dmUndeliverableAt,
      dmUndeliverableReason: link.dmUndeliverableReason,
    }
  );
}

/** The ticket's Discord DMs and their delivery state, beside its mails (`GET …/mails`): anyone who can see the ticket. */
export async function listTicketDms(db: Queryable, actor: StaffActor, ticketId: string) {
  await getTicketAccess(db, actor, ticketId);
  return (await listTicketDeliveries(db, ticketId, 'discord')).map((d) => ({
    id: d.id,
    kind: d.kind as 'survey_invitation' | 'agent_reply' | 'survey_closed',
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt,
    sentAt: d.sentAt,
  }));
}

/** What staff see of a ticket's requester on Discord: whether they linked, and the name only. */
export async function getRequesterDiscord(db: Queryable, actor: StaffActor, ticketId: string) {
  const { ticket } = await getTicketAccess(db, actor, ticketId);
  const link = await repo.findLink(db, actor.accountId, ticket.requesterId);
  return { linked: link !== null, username: link?.discordUsername ?? null };
}

/** The customer a Discord user is linked to in this account, or null. */
export const findCustomerIdByDiscordUser = async (db: Queryable, accountId: string, discordUserId: string) =>
  (await repo.findLinkByDiscordUser(db, accountId, discordUserId))?.customerId ?? null;

/** What the portal shows: null when the account has no Discord set up (no "Link Discord" then). */
export async function getPortalDiscordState(db: Queryable, accountId: string, customerId: string) {
  if (!(await repo.hasApp(db, accountId))) return null;
  return { link: await getDiscordLink(db, accountId, customerId) };
}

export type PortalDiscordState = Awaited<ReturnType<typeof getPortalDiscordState>>;

/**
 * Starts "Link Discord" for a customer: a single-use state bound to them, 10 minutes, and the URL
 * of Discord's consent page (scope identify). `returnTo` is the portal page to come back to.
 */
export async function startDiscordLink(
  scope: Scope,
  config: Config,
  secrets: SecretBox,
  input: { accountId: string; customerId: string; returnTo: string },
) {
  const app = await repo.findApp(scope.tx, input.accountId);
  if (!app) throw new AppError('NOT_FOUND', 'Discord is not set up for this account.');
  const now = scope.clock.now();
  const expiresAt = new Date(now.getTime() + OAUTH_STATE_MINUTES * 60_000);
  const state = generateSecret();
  const stateHash = hashSecret(state);
  await repo.insertState(scope.tx, {
    stateHash,
    accountId: input.accountId,
    customerId: input.customerId,
    returnToSealed: secrets.seal(input.returnTo, returnToContext(stateHash)),
    createdAt: now,
    expiresAt,
  });
  const url = new URL(config.discordAuthorizeUrl);
  url.search = new URLSearchParams({
    client_id: app.applicationId,
    response_type: 'code',
    scope: 'identify',
    redirect_uri: redirectUrlOf(config),
    state,
  }).toString();
  return { url: url.toString(), state, expiresAt };
}

export const unlinkDiscord = (tx: Tx, accountId: string, customerId: string) =>
  repo.deleteLink(tx, accountId, customerId);

/** Why a callback linked nothing (the page words it in the customer's language), and where they came from if known. */
export interface LinkRefusal {
  reason:
    | 'invalid'
    | 'otherBrowser'
    | 'expired'
    | 'cancelled'
    | 'discordError'
    | 'noCode'
    | 'notSetUp'
    | 'unconfirmed';
  /** Discord's own words (`discordError`), or what failed when asking it (`unconfirmed`). */
  detail?: string | undefined;
  returnTo: string | null;
}

/** The customer's stored language and their account's default and time zone; null when either is gone. */
export const findCustomerLocale = repo.findCustomerLocale;

/** Spends the state (single use, whatever follows) and says whose link it is. */
export async function takeLinkState(tx: Tx, clock: Clock, secrets: SecretBox, state: string | undefined) {
  if (!state) return null;
  const stateHash = hashSecret(state);
  const row = await repo.takeState(tx, stateHash);
  if (!row) return null;
  return {
    accountId: row.accountId,
    customerId: row.customerId,
    expired: row.expiresAt.getTime() <= clock.now().getTime(),
    returnTo: secrets.open(row.returnToSealed, returnToContext(stateHash)),
  };
}

/**
 * Exchanges the code (form-encoded, as Discord requires) and asks who the customer is on Discord.
 * Outside any transaction: two round trips to Discord.
 */
export async function identifyDiscordUser(
  config: Config,
  app: { applicationId: string; clientSecret: string },
  code: string,
): Promise<{ ok: true; id: string; username: string } | { ok: false; reason: string }> {
  try {
    const token = (await (
      await discordRestAnonymous(config.discordApiUrl)
    ).post(Routes.oauth2TokenExchange(), {
      auth: false,
      passThroughBody: true,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: app.applicationId,
        client_secret: app.clientSecret,
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUrlOf(config),
      }).toString(),
    })) as { access_token: string };
    const user = (await (
      await discordRest(config.discordApiUrl, token.access_token, 'Bearer')
    ).get(Routes.user('@me'))) as APIUser;
    return { ok: true, id: user.id, username: user.username };
  } catch (err) {
    return { ok: false, reason: describeDiscordError(err, config.discordApiUrl) };
  }
}

/**
 * Links the Discord user to the customer: one Discord user to at most one customer per account, so
 * a link of that user to another customer moves here (`moved`), and a customer's earlier link is replaced.
 */
export async function linkDiscordUser(
  tx: Tx,
  clock: Clock,
  input: { accountId: string; customerId: string; discordUserId: string; discordUsername: string },
) {
  const moved = await repo.deleteLinkOfOthers(tx, input.accountId, input.discordUserId, input.customerId);
  await repo.upsertLink(tx, { ...input, linkedAt: clock.now() });
  return { moved };
}
