import type { DiscordAPIError, HTTPError, REST } from '@discordjs/rest';

type RestModule = typeof import('@discordjs/rest');

/** @discordjs/rest (with its own undici) loads with the first call to Discord, not at start. */
let restModule: RestModule | undefined;
const loadRest = async () => {
  restModule ??= await import('@discordjs/rest');
  return restModule;
};

/**
 * One client per (API address, bot token), kept for the process: @discordjs/rest queues requests
 * per rate-limit bucket inside one client, so every send with the same bot must share it.
 */
const botClients = new Map<string, REST>();

/**
 * The one way Clearline talks to Discord: REST v10 at `DISCORD_API_URL`. `Bot` for the account's
 * bot token; `Bearer` for a customer's OAuth2 access token (used once, so not kept, and without the
 * sweeper timers a long-lived client runs).
 */
export async function discordRest(
  apiUrl: string,
  token: string,
  kind: 'Bot' | 'Bearer' = 'Bot',
): Promise<REST> {
  const { REST } = await loadRest();
  if (kind === 'Bearer') {
    return new REST({
      api: apiUrl,
      version: '10',
      authPrefix: 'Bearer',
      hashSweepInterval: 0,
      handlerSweepInterval: 0,
    }).setToken(token);
  }
  const key = `${apiUrl}\n${token}`;
  let client = botClients.get(key);
  if (!client) {
    client = new REST({ api: apiUrl, version: '10' }).setToken(token);
    botClients.set(key, client);
  }
  return client;
}

/** A client that sends no Authorization header (the OAuth2 token exchange authenticates in its body). */
export async function discordRestAnonymous(apiUrl: string): Promise<REST> {
  const { REST } = await loadRest();
  return new REST({ api: apiUrl, version: '10', hashSweepInterval: 0, handlerSweepInterval: 0 });
}

/** Drops the client of a token Discord refused, so refused tokens are not kept in memory. */
export const forgetDiscordClient = (apiUrl: string, token: string) =>
  botClients.delete(`${apiUrl}\n${token}`);

/** Discord's refusal of a request (an error only a loaded client can have thrown). */
export const isDiscordApiError = (err: unknown): err is DiscordAPIError =>
  restModule !== undefined && err instanceof restModule.DiscordAPIError;

/** An HTTP error answer without Discord's error body. */
export const isDiscordHttpError = (err: unknown): err is HTTPError =>
  restModule !== undefined && err instanceof restModule.HTTPError;
