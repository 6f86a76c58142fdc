import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Discord, the only fake the suite allows: Discord cannot be reached from tests. It speaks
 * the API under `/api/v10/` as @discordjs/rest 2 calls it (`new REST({ api: fake.apiUrl, version: '10' })`),
 * with Discord's JSON error bodies `{message, code}`, its OAuth2 error bodies `{error, error_description}`,
 * rate-limit headers on every answer and 429s with `retry_after`; plus the OAuth2 consent page a
 * browser clicks through, and the Ed25519 signer of interactions (a key pair per run).
 */

export type Endpoint =
  | 'GET /users/@me'
  | 'GET /applications/@me'
  | 'POST /oauth2/token'
  | 'POST /users/@me/channels'
  | 'POST /channels/:id/messages'
  | 'PATCH /channels/:id/messages/:id';

/** What a scripted call answers instead of the normal result. */
export type Failure =
  | { kind: 'rate_limit'; retryAfter: number; global?: boolean }
  | { kind: 'discord'; code: DiscordErrorCode }
  | { kind: 'http'; status: number }
  | { kind: 'network' };

/** Discord's JSON error codes the fake answers with, and their HTTP status and message as Discord sends them. */
export const DISCORD_ERRORS = {
  0: [401, '401: Unauthorized'],
  10003: [404, 'Unknown Channel'],
  10008: [404, 'Unknown Message'],
  10013: [404, 'Unknown User'],
  40001: [401, 'Unauthorized'],
  50006: [400, 'Cannot send an empty message'],
  50007: [403, 'Cannot send messages to this user'],
  50035: [400, 'Invalid Form Body'],
  50278: [403, 'Cannot send messages to this user due to having no mutual guilds'],
} as const;
export type DiscordErrorCode = keyof typeof DISCORD_ERRORS;

export interface FakeUser {
  id: string;
  username: string;
  global_name: string | null;
  discriminator: '0';
  avatar: null;
  bot?: true;
  /** The OAuth2 access token the fake issues for this user. */
  accessToken: string;
}

export interface SentMessage {
  id: string;
  channelId: string;
  recipientId: string;
  /** The JSON payload as posted (content, embeds, components…). */
  payload: Record<string, unknown>;
  /** Each PATCH, oldest first. */
  edits: Record<string, unknown>[];
}

const snowflake = () =>
  ((BigInt(Date.now() - 1420070400000) << 22n) | BigInt(randomBytes(2).readUInt16BE())).toString();

const RATE_LIMIT_WINDOW_SECONDS = 1;

/** Limits the fake enforces when started with them: requests beyond one are answered 429 as Discord does. */
export interface RateLimits {
  /** Requests per second per bot token over all routes (Discord's global limit). */
  globalPerSecond: number;
  /** Per-route buckets: `limit` requests per `windowSeconds`, per channel on the routes of one channel. */
  routes: Partial<Record<Endpoint, { limit: number; windowSeconds: number }>>;
}

/**
 * Discord's documented limits for what Clearline sends: 50 requests a second per bot, and 5 messages
 * (sent or edited) per 5 s in one DM channel. Opening a DM channel has a bucket of its own whose size
 * Discord does not document: only the global limit holds it here.
 */
export const DISCORD_RATE_LIMITS: RateLimits = {
  globalPerSecond: 50,
  routes: {
    'POST /channels/:id/messages': { limit: 5, windowSeconds: 5 },
    'PATCH /channels/:id/messages/:id': { limit: 5, windowSeconds: 5 },
  },
};

/** Checks a message payload as Discord does (the subset of limits Clearline can hit); the `errors` tree or null. */
function validateMessage(payload: Record<string, unknown>, editing: boolean): Record<string, unknown> | null {
  const errors: Record<string, unknown> = {};
  const problem = (code: string, message: string) => ({ _errors: [{ code, message }] });
  const content = payload.content;
  if (content !== undefined && content !== null) {
    if (typeof content !== 'string')
      errors.content = problem('STRING_TYPE_CONVERT', 'Could not interpret "content" as string.');
    else if (content.length > 2000)
      errors.content = problem('BASE_TYPE_MAX_LENGTH', 'Must be 2000 or fewer in length.');
  }
  const rows = payload.components;
  if (rows !== undefined) {
    if (!Array.isArray(rows))
      errors.components = problem('LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    else {
      if (rows.length > 5)
        errors.components = problem('BASE_TYPE_MAX_LENGTH', 'Must be 5 or fewer in length.');
      const rowErrors: Record<string, unknown> = {};
      rows.forEach((row: { type?: number; components?: Record<string, unknown>[] }, i) => {
        const buttons = row?.components;
        if (row?.type !== 1 || !Array.isArray(buttons) || buttons.length === 0 || buttons.length > 5) {
          rowErrors[i] = {
            components: problem('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 5 in length.'),
          };
          return;
        }
        const buttonErrors: Record<string, unknown> = {};
        buttons.forEach((b, j) => {
          const link = b.style === 5;
          const label = b.label;
          if (b.type !== 2)
            buttonErrors[j] = {
              type: problem('UNION_TYPE_CHOICES', 'Value of field "type" must be one of (2,).'),
            };
          else if (typeof label === 'string' && label.length > 80)
            buttonErrors[j] = { label: problem('BASE_TYPE_MAX_LENGTH', 'Must be 80 or fewer in length.') };
          else if (link && (typeof b.url !== 'string' || b.custom_id !== undefined))
            buttonErrors[j] = {
              url: problem('BUTTON_COMPONENT_INVALID_URL', 'A link button needs a url and no custom_id.'),
            };
          else if (
            !link &&
            (typeof b.custom_id !== 'string' || b.custom_id.length > 100 || b.custom_id.length === 0)
          )
            buttonErrors[j] = {
              custom_id: problem('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.'),
            };
        });
        if (Object.keys(buttonErrors).length) rowErrors[i] = { components: buttonErrors };
      });
      if (Object.keys(rowErrors).length && !errors.components) errors.components = rowErrors;
    }
  }
  if (Object.keys(errors).length) return errors;
  const empty =
    !payload.content &&
    !(Array.isArray(payload.embeds) && payload.embeds.length) &&
    !(Array.isArray(rows) && rows.length);
  return empty && !editing ? { empty: true } : null;
}

type Component = Record<string, unknown>;
const isText = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max;

/** A text input as Discord takes it: inside a Label it has no label of its own, in an action row it must. */
function textInputProblem(c: Component, inLabel: boolean): string | null {
  if (!isText(c.custom_id, 1, 100)) return 'custom_id: Must be between 1 and 100 in length.';
  if (c.style !== 1 && c.style !== 2) return 'style: Value must be one of (1, 2).';
  if (inLabel && c.label !== undefined) return 'label: A text input inside a Label takes the Label’s label.';
  if (!inLabel && !isText(c.label, 1, 45)) return 'label: Must be between 1 and 45 in length.';
  if (c.max_length !== undefined && (typeof c.max_length !== 'number' || c.max_length > 4000))
    return 'max_length: int value should be less than or equal to 4000.';
  return null;
}

function stringSelectProblem(c: Component): string | null {
  if (!isText(c.custom_id, 1, 100)) return 'custom_id: Must be between 1 and 100 in length.';
  const options = c.options;
  if (!Array.isArray(options) || options.length < 1 || options.length > 25)
    return 'options: Must be between 1 and 25 in length.';
  const values = new Set<unknown>();
  for (const o of options as Component[]) {
    if (!isText(o.label, 1, 100) || !isText(o.value, 1, 100))
      return 'options: label and value must be between 1 and 100 in length.';
    if (values.has(o.value)) return 'options: values must be unique.';
    values.add(o.value);
  }
  const min = c.min_values ?? 1;
  const max = c.max_values ?? 1;
  if (
    typeof min !== 'number' ||
    typeof max !== 'number' ||
    min < 0 ||
    max < 1 ||
    min > max ||
    max > options.length
  )
    return 'min_values/max_values: out of range.';
  return null;
}

/**
 * Checks an interaction's modal response as Discord does before showing it (the subset Clearline
 * can hit): a title, 1–5 top-level components, each an action row holding one text input (the older
 * form), a Label wrapping one text input or string select, or a text display. A problem per path, or null.
 */
export function validateModal(response: Record<string, unknown>): Record<string, string> | null {
  const problems: Record<string, string> = {};
  if (response.type !== 9) problems.type = 'Not a modal response (type 9).';
  const data = (response.data ?? {}) as Component;
  if (!isText(data.custom_id, 1, 100)) problems.custom_id = 'Must be between 1 and 100 in length.';
  if (!isText(data.title, 1, 45)) problems.title = 'Must be between 1 and 45 in length.';
  const rows = data.components;
  if (!Array.isArray(rows) || rows.length < 1 || rows.length > 5) {
    problems.components = 'Must be between 1 and 5 in length.';
    return problems;
  }
  (rows as Component[]).forEach((row, i) => {
    const path = `components.${i}`;
    let problem: string | null = null;
    if (row.type === 1) {
      const inner = row.components;
      problem =
        Array.isArray(inner) && inner.length === 1 && (inner[0] as Component).type === 4
          ? textInputProblem(inner[0] as Component, false)
          : 'An action row in a modal holds exactly one text input.';
    } else if (row.type === 18) {
      const inner = (row.component ?? {}) as Component;
      if (!isText(row.label, 1, 45)) problem = 'label: Must be between 1 and 45 in length.';
      else if (inner.type === 4) problem = textInputProblem(inner, true);
      else if (inner.type === 3) problem = stringSelectProblem(inner);
      else problem = 'component: A Label holds a text input, a select or a file upload.';
    } else if (row.type !== 10) {
      problem = 'type: A modal takes action rows, labels and text displays.';
    }
    if (problem) problems[path] = problem;
  });
  return Object.keys(problems).length ? problems : null;
}

/**
 * The `data.components` Discord posts back when the user submits this modal: the same layout, each
 * text input with its typed `value` (empty when left out) and each select with the `values` chosen.
 * Throws for what no Discord client can send: an invalid modal, or a value that is not an option.
 */
export function modalAnswers(
  response: Record<string, unknown>,
  answers: Record<string, string | string[]>,
): Component[] {
  const problems = validateModal(response);
  if (problems) throw new Error(`Discord would refuse this modal: ${JSON.stringify(problems)}`);
  const rows = (response.data as Component).components as Component[];
  let id = 0;
  const field = (c: Component): Component => {
    const answer = answers[c.custom_id as string];
    if (c.type === 4) return { type: 4, id: ++id, custom_id: c.custom_id, value: answer ?? '' };
    const values = answer === undefined ? [] : Array.isArray(answer) ? answer : [answer];
    const offered = (c.options as Component[]).map((o) => o.value);
    if (values.some((v) => !offered.includes(v))) throw new Error(`${values} is not offered`);
    return { type: 3, id: ++id, custom_id: c.custom_id, values };
  };
  return rows.flatMap((row): Component[] => {
    if (row.type === 1)
      return [{ type: 1, id: ++id, components: (row.components as Component[]).map(field) }];
    if (row.type === 18) return [{ type: 18, id: ++id, component: field(row.component as Component) }];
    return [];
  });
}

export async function startFakeDiscord(
  options: {
    /** Enforced limits (default: none, and every answer says 4 of 5 requests remain). */
    rateLimits?: RateLimits;
    /** Waited before each API answer: the round trip to Discord. */
    latencyMs?: number;
  } = {},
) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const app = {
    applicationId: snowflake(),
    name: 'Clearline Test App',
    /** As Discord shows it: the raw 32-byte key in hex (the DER's last 32 bytes). */
    publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex'),
    botToken: `${Buffer.from(snowflake()).toString('base64url')}.${randomBytes(4).toString('base64url')}.${randomBytes(27).toString('base64url')}`,
    clientSecret: randomBytes(24).toString('base64url'),
  };
  const bot: FakeUser = {
    id: snowflake(),
    username: 'Clearline Bot',
    global_name: null,
    discriminator: '0',
    avatar: null,
    bot: true,
    accessToken: '',
  };
  const users = new Map<string, FakeUser>();
  /** DM channel id per recipient, stable as Discord's are. */
  const dmChannels = new Map<string, string>();
  const channelRecipients = new Map<string, string>();
  const messages: SentMessage[] = [];
  const codes = new Map<string, { userId: string; redirectUri: string }>();
  const scripted = new Map<Endpoint, Failure[]>();
  const refusedUsers = new Map<string, DiscordErrorCode>();
  const requests = new Map<Endpoint, number>();
  /** Fixed windows: the global one per token, and one per bucket (route, and channel where it has one). */
  const windows = new Map<string, { count: number; resetAt: number }>();
  let rateLimited = 0;
  let botTokenValid = true;
  let authorizingUser: string | null = null;

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const discordError = (res: ServerResponse, code: DiscordErrorCode, errors?: unknown) => {
    const [status, message] = DISCORD_ERRORS[code];
    sendJson(res, status, errors === undefined ? { message, code } : { message, code, errors });
  };
  const oauthError = (res: ServerResponse, status: number, error: string, description: string) =>
    sendJson(res, status, { error, error_description: description });
  const rateHeaders = (
    endpoint: Endpoint,
    remaining: number,
    limit = 5,
    resetAfter: number = RATE_LIMIT_WINDOW_SECONDS,
  ) => ({
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(Date.now() / 1000 + resetAfter),
    'x-ratelimit-reset-after': String(resetAfter),
    'x-ratelimit-bucket': Buffer.from(endpoint).toString('hex').slice(0, 16),
  });

  /** Counts a request in its window; how long until the window resets when it is already full. */
  const take = (key: string, limit: number, windowSeconds: number) => {
    const now = Date.now();
    let w = windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowSeconds * 1000 };
      windows.set(key, w);
    }
    const resetAfter = Math.max(0.001, (w.resetAt - now) / 1000);
    if (w.count >= limit) return { full: true, remaining: 0, resetAfter };
    w.count++;
    return { full: false, remaining: limit - w.count, resetAfter };
  };

  /**
   * Applies `options.rateLimits`: the bot's global window, then the route's bucket. The 429 when one
   * is full, or the bucket's headers for the answer.
   */
  function limitRequest(req: IncomingMessage, endpoint: Endpoint, channelId: string | undefined) {
    const limits = options.rateLimits;
    if (!limits) return { headers: rateHeaders(endpoint, 4) };
    const global = take(`global ${req.headers.authorization}`, limits.globalPerSecond, 1);
    if (global.full)
      return { failure: { kind: 'rate_limit', retryAfter: global.resetAfter, global: true } as const };
    const route = limits.routes[endpoint];
    if (!route) return { headers: {} };
    const bucket = take(`${endpoint} ${channelId ?? ''}`, route.limit, route.windowSeconds);
    if (bucket.full) return { failure: { kind: 'rate_limit', retryAfter: bucket.resetAfter } as const };
    return { headers: rateHeaders(endpoint, bucket.remaining, route.limit, bucket.resetAfter) };
  }

  function fail(res: ServerResponse, endpoint: Endpoint, failure: Failure) {
    switch (failure.kind) {
      case 'rate_limit': {
        rateLimited++;
        const headers: Record<string, string> = {
          ...rateHeaders(endpoint, 0, options.rateLimits?.routes[endpoint]?.limit, failure.retryAfter),
          'retry-after': String(failure.retryAfter),
          'x-ratelimit-reset-after': String(failure.retryAfter),
          'x-ratelimit-scope': failure.global ? 'global' : 'user',
        };
        if (failure.global) {
          // A global limit names no bucket: it holds every route of the bot.
          for (const h of [
            'x-ratelimit-limit',
            'x-ratelimit-remaining',
            'x-ratelimit-reset',
            'x-ratelimit-bucket',
          ])
            delete headers[h];
          headers['x-ratelimit-global'] = 'true';
        }
        return sendJson(
          res,
          429,
          {
            message: 'You are being rate limited.',
            retry_after: failure.retryAfter,
            global: failure.global ?? false,
          },
          headers,
        );
      }
      case 'discord':
        return discordError(res, failure.code);
      case 'http':
        res.writeHead(failure.status, { 'content-type': 'text/plain' });
        return res.end('upstream connect error');
      case 'network':
        return res.socket?.destroy();
    }
  }

  const authOf = (req: IncomingMessage): { kind: 'bot' } | { kind: 'user'; user: FakeUser } | null => {
    const header = req.headers.authorization ?? '';
    if (header === `Bot ${app.botToken}` && botTokenValid) return { kind: 'bot' };
    if (header.startsWith('Bearer ')) {
      const user = [...users.values()].find((u) => u.accessToken === header.slice(7));
      if (user) return { kind: 'user', user };
    }
    return null;
  };

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const parseJson = (raw: string): Record<string, unknown> | null => {
    try {
      const value = JSON.parse(raw);
      return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  };
  const presentUser = ({ accessToken: _, ...user }: FakeUser) => user;
  const presentMessage = (m: SentMessage) => ({
    id: m.id,
    channel_id: m.channelId,
    type: 0,
    author: presentUser(bot),
    content: '',
    embeds: [],
    components: [],
    ...m.payload,
    ...Object.assign({}, ...m.edits),
    timestamp: new Date().toISOString(),
    edited_timestamp: m.edits.length ? new Date().toISOString() : null,
  });

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    const channelMessage = path.match(/^\/channels\/(\d+)\/messages(?:\/(\d+))?$/);
    const endpoint: Endpoint | null =
      method === 'GET' && path === '/users/@me'
        ? 'GET /users/@me'
        : method === 'GET' && path === '/applications/@me'
          ? 'GET /applications/@me'
          : method === 'POST' && path === '/oauth2/token'
            ? 'POST /oauth2/token'
            : method === 'POST' && path === '/users/@me/channels'
              ? 'POST /users/@me/channels'
              : method === 'POST' && channelMessage && !channelMessage[2]
                ? 'POST /channels/:id/messages'
                : method === 'PATCH' && channelMessage?.[2]
                  ? 'PATCH /channels/:id/messages/:id'
                  : null;
    const raw = await readBody(req);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (!endpoint) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    requests.set(endpoint, (requests.get(endpoint) ?? 0) + 1);
    const failure = scripted.get(endpoint)?.shift();
    if (failure) return fail(res, endpoint, failure);
    const limited = limitRequest(req, endpoint, channelMessage?.[1]);
    if (limited.failure) return fail(res, endpoint, limited.failure);
    const ok = (body: unknown, status = 200) => sendJson(res, status, body, limited.headers);

    if (endpoint === 'POST /oauth2/token') return exchangeCode(req, res, raw, ok);
    const auth = authOf(req);
    if (!auth) return discordError(res, 0);
    if (endpoint === 'GET /users/@me') return ok(presentUser(auth.kind === 'bot' ? bot : auth.user));
    if (auth.kind !== 'bot') return discordError(res, 0);
    if (endpoint === 'GET /applications/@me') {
      return ok({
        id: app.applicationId,
        name: app.name,
        description: '',
        icon: null,
        verify_key: app.publicKey,
        bot_public: true,
        bot_require_code_grant: false,
        flags: 0,
        bot: presentUser(bot),
      });
    }
    const body = parseJson(raw);
    if (!body)
      return discordError(res, 50035, {
        _errors: [{ code: 'DICT_TYPE_CONVERT', message: 'Only dictionaries may be used in a DictType' }],
      });
    if (endpoint === 'POST /users/@me/channels') {
      const recipientId = body.recipient_id;
      if (typeof recipientId !== 'string' || !/^\d{17,20}$/.test(recipientId)) {
        return discordError(res, 50035, {
          recipient_id: {
            _errors: [{ code: 'NUMBER_TYPE_COERCE', message: `Value "${recipientId}" is not snowflake.` }],
          },
        });
      }
      const user = users.get(recipientId);
      if (!user || refusedUsers.get(recipientId) === 10013) return discordError(res, 10013);
      let channelId = dmChannels.get(recipientId);
      if (!channelId) {
        channelId = snowflake();
        dmChannels.set(recipientId, channelId);
        channelRecipients.set(channelId, recipientId);
      }
      return ok({ id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [presentUser(user)] });
    }
    const channelId = channelMessage?.[1] ?? '';
    const recipientId = channelRecipients.get(channelId);
    if (!recipientId) return discordError(res, 10003);
    if (endpoint === 'POST /channels/:id/messages') {
      const refused = refusedUsers.get(recipientId);
      if (refused) return discordError(res, refused);
      const errors = validateMessage(body, false);
      if (errors && 'empty' in errors) return discordError(res, 50006);
      if (errors) return discordError(res, 50035, errors);
      const message: SentMessage = { id: snowflake(), channelId, recipientId, payload: body, edits: [] };
      messages.push(message);
      return ok(presentMessage(message));
    }
    const message = messages.find((m) => m.channelId === channelId && m.id === channelMessage?.[2]);
    if (!message) return discordError(res, 10008);
    const errors = validateMessage(body, true);
    if (errors) return discordError(res, 50035, errors);
    message.edits.push(body);
    return ok(presentMessage(message));
  }

  function exchangeCode(req: IncomingMessage, res: ServerResponse, raw: string, ok: (body: unknown) => void) {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/x-www-form-urlencoded') {
      return oauthError(
        res,
        400,
        'invalid_request',
        'Request body must be application/x-www-form-urlencoded.',
      );
    }
    const form = new URLSearchParams(raw);
    if (form.get('client_id') !== app.applicationId || form.get('client_secret') !== app.clientSecret) {
      return oauthError(res, 401, 'invalid_client', 'Invalid client credentials.');
    }
    if (form.get('grant_type') !== 'authorization_code') {
      return oauthError(res, 400, 'unsupported_grant_type', 'Unsupported grant type.');
    }
    const grant = codes.get(form.get('code') ?? '');
    if (!grant) return oauthError(res, 400, 'invalid_grant', 'Invalid "code" in request.');
    if (grant.redirectUri !== form.get('redirect_uri')) {
      return oauthError(res, 400, 'invalid_grant', 'Invalid "redirect_uri" in request.');
    }
    codes.delete(form.get('code') ?? '');
    const user = users.get(grant.userId);
    if (!user) return oauthError(res, 400, 'invalid_grant', 'Invalid "code" in request.');
    ok({
      access_token: user.accessToken,
      token_type: 'Bearer',
      expires_in: 604800,
      refresh_token: randomBytes(16).toString('hex'),
      scope: 'identify',
    });
  }

  /** Discord's consent page: checks the request as Discord does, then an Authorize and a Cancel button. */
  async function handleAuthorize(req: IncomingMessage, res: ServerResponse, url: URL) {
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const page = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Discord</title></head><body><main>${body}</main></body></html>`,
      );
    };
    const redirectUri = params.get('redirect_uri') ?? '';
    const problem =
      params.get('client_id') !== app.applicationId
        ? 'Unknown application'
        : params.get('response_type') !== 'code'
          ? 'Invalid response_type'
          : !(params.get('scope') ?? '').split(' ').includes('identify')
            ? 'Invalid scope'
            : !/^https?:\/\//.test(redirectUri)
              ? 'Invalid OAuth2 redirect_uri'
              : null;
    if (problem) return page(400, `<h1 id="authorize-error">${problem}</h1>`);
    const state = params.get('state');
    if (req.method === 'GET') {
      const hidden = ['client_id', 'response_type', 'scope', 'redirect_uri', 'state']
        .map(
          (n) =>
            `<input type="hidden" name="${n}" value="${(params.get(n) ?? '').replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)}">`,
        )
        .join('');
      return page(
        200,
        `<h1>${app.name} wants to access your account</h1><p>This will allow the developer to: access your username and avatar.</p>
<form method="post">${hidden}<button type="submit" name="decision" value="cancel">Cancel</button><button type="submit" name="decision" value="authorize">Authorize</button></form>`,
      );
    }
    const back = new URL(redirectUri);
    if (params.get('decision') === 'authorize') {
      const userId = authorizingUser ?? [...users.keys()][0];
      if (!userId) return page(400, '<h1 id="authorize-error">No user is signed in to the fake Discord</h1>');
      const code = randomBytes(15).toString('base64url');
      codes.set(code, { userId, redirectUri });
      back.searchParams.set('code', code);
    } else {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set(
        'error_description',
        'The resource owner or authorization server denied the request',
      );
    }
    if (state !== null) back.searchParams.set('state', state);
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-discord');
    const handled = url.pathname.startsWith('/api/v10/')
      ? handleApi(req, res, decodeURIComponent(url.pathname.slice('/api/v10'.length)))
      : url.pathname === '/oauth2/authorize'
        ? handleAuthorize(req, res, url)
        : Promise.resolve(sendJson(res, 404, { message: '404: Not Found', code: 0 }));
    handled.catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** DISCORD_API_URL for Clearline. */
    apiUrl: `${base}/api`,
    /** DISCORD_AUTHORIZE_URL for Clearline. */
    authorizeUrl: `${base}/oauth2/authorize`,
    app,
    bot,
    /** Everything the bot posted, with its edits, oldest first. */
    messages,
    /** A Discord user who can authorize and receive DMs. */
    addUser(username: string, globalName: string | null = null): FakeUser {
      const user: FakeUser = {
        id: snowflake(),
        username,
        global_name: globalName,
        discriminator: '0',
        avatar: null,
        accessToken: randomBytes(20).toString('base64url'),
      };
      users.set(user.id, user);
      return user;
    },
    /** The user who clicks "Authorize" on the consent page (default: the first added). */
    signInAs(userId: string) {
      authorizingUser = userId;
    },
    /** The next `times` calls of the endpoint answer `failure`. */
    failNext(endpoint: Endpoint, failure: Failure, times = 1) {
      scripted.set(endpoint, [
        ...(scripted.get(endpoint) ?? []),
        ...Array.from({ length: times }, () => failure),
      ]);
    },
    /** DMs to this user always fail with this code (50007, 50278, or 10013 when opening the channel). */
    refuseUser(userId: string, code: 50007 | 50278 | 10013) {
      refusedUsers.set(userId, code);
    },
    /** The bot token stops working: every bot call answers 401 `{message: '401: Unauthorized', code: 0}`. */
    revokeBotToken() {
      botTokenValid = false;
    },
    requestCount: (endpoint: Endpoint) => requests.get(endpoint) ?? 0,
    /** How many requests were answered 429 (enforced limits and scripted ones). */
    rateLimitedCount: () => rateLimited,
    messagesTo: (userId: string) => messages.filter((m) => m.recipientId === userId),
    /**
     * What a browser does on the consent page, for tests without one: the redirect back to
     * Clearline (with code and state, or error=access_denied).
     */
    async consent(authorizeUrl: string, decision: 'authorize' | 'cancel' = 'authorize'): Promise<string> {
      const page = await fetch(authorizeUrl);
      if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${await page.text()}`);
      const form = new URLSearchParams(new URL(authorizeUrl).searchParams);
      form.set('decision', decision);
      const answer = await fetch(`${base}/oauth2/authorize`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      const location = answer.headers.get('location');
      if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
      return location;
    },
    /** Signs an interaction body as Discord does: Ed25519 over timestamp + raw body. */
    signInteraction(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
      return {
        'x-signature-ed25519': sign(null, Buffer.from(timestamp + body), privateKey).toString('hex'),
        'x-signature-timestamp': timestamp,
      };
    },
    /** Interaction payloads as Discord sends them from a DM (the clicking user in `user`, not `member`). */
    interactions: {
      ping: () => ({
        id: snowflake(),
        application_id: app.applicationId,
        type: 1,
        token: randomBytes(20).toString('base64url'),
        version: 1,
      }),
      buttonClick: (user: FakeUser, message: SentMessage, customId: string) => ({
        id: snowflake(),
        application_id: app.applicationId,
        type: 3,
        token: randomBytes(20).toString('base64url'),
        version: 1,
        context: 1,
        channel_id: message.channelId,
        channel: { id: message.channelId, type: 1 },
        user: presentUser(user),
        message: presentMessage(message),
        data: { custom_id: customId, component_type: 2 },
        locale: 'en-US',
      }),
      /** A submit of the modal Clearline answered a click with, filled in as a user would. */
      modalSubmitOf: (
        user: FakeUser,
        message: SentMessage | null,
        modal: Record<string, unknown>,
        answers: Record<string, string | string[]>,
      ) => ({
        id: snowflake(),
        application_id: app.applicationId,
        type: 5,
        token: randomBytes(20).toString('base64url'),
        version: 1,
        context: 1,
        channel_id: message?.channelId,
        channel: message && { id: message.channelId, type: 1 },
        user: presentUser(user),
        ...(message && { message: presentMessage(message) }),
        data: {
          custom_id: (modal.data as Component).custom_id,
          components: modalAnswers(modal, answers),
        },
        locale: 'en-US',
      }),
      modalSubmit: (
        user: FakeUser,
        message: SentMessage | null,
        customId: string,
        fields: Record<string, string>,
      ) => ({
        id: snowflake(),
        application_id: app.applicationId,
        type: 5,
        token: randomBytes(20).toString('base64url'),
        version: 1,
        context: 1,
        channel_id: message?.channelId,
        channel: message && { id: message.channelId, type: 1 },
        user: presentUser(user),
        ...(message && { message: presentMessage(message) }),
        data: {
          custom_id: customId,
          components: Object.entries(fields).map(([id, value]) => ({
            type: 1,
            components: [{ type: 4, custom_id: id, value }],
          })),
        },
        locale: 'en-US',
      }),
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeDiscord = Awaited<ReturnType<typeof startFakeDiscord>>;
