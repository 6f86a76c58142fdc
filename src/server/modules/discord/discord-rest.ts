import { REST } from '@discordjs/rest';

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
export function discordRest(apiUrl: string, token: string, kind: 'Bot' | 'Bearer' = 'Bot'): REST {
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
export const discordRestAnonymous = (apiUrl: string) =>
  new REST({ api: apiUrl, version: '10', hashSweepInterval: 0, handlerSweepInterval: 0 });

/** Drops the client of a token Discord refused, so refused tokens are not kept in memory. */
export const forgetDiscordClient = (apiUrl: string, token: string) =>
  botClients.delete(`${apiUrl}\n${token}`);
