import { createPublicKey, verify } from 'node:crypto';
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_RATE_LIMITS, type FakeDiscord, startFakeDiscord } from './fake-discord.js';

let fake: FakeDiscord;
let rest: REST;

beforeAll(async () => {
  fake = await startFakeDiscord();
  rest = new REST({ api: fake.apiUrl, version: '10' }).setToken(fake.app.botToken);
});
afterAll(() => fake.close());

const refusal = async (call: Promise<unknown>) => {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordAPIError);
  return err as DiscordAPIError;
};

describe('the fake Discord behaves like Discord for @discordjs/rest 2', () => {
  it('answers the bot on /v10/users/@me and /v10/applications/@me, and 401 {code 0} for a bad token', async () => {
    expect(await rest.get(Routes.user('@me'))).toMatchObject({ id: fake.bot.id, bot: true });
    expect(await rest.get(Routes.currentApplication())).toMatchObject({
      id: fake.app.applicationId,
      verify_key: fake.app.publicKey,
    });
    const bad = new REST({ api: fake.apiUrl, version: '10' }).setToken('not-the-token');
    const err = await refusal(bad.get(Routes.user('@me')));
    expect([err.status, err.code, err.message]).toEqual([401, 0, '401: Unauthorized']);
  });

  it('waits out a 429 with retry_after (bucket and global) and then succeeds', async () => {
    fake.failNext('GET /users/@me', { kind: 'rate_limit', retryAfter: 0.2 });
    fake.failNext('GET /users/@me', { kind: 'rate_limit', retryAfter: 0.1, global: true });
    const before = fake.requestCount('GET /users/@me');
    expect(await rest.get(Routes.user('@me'))).toMatchObject({ id: fake.bot.id });
    expect(fake.requestCount('GET /users/@me') - before).toBe(3);
  });

  it('opens a DM channel, keeps sent messages and edits, and surfaces 50007 / 50278 / 10013 as DiscordAPIError', async () => {
    const ann = fake.addUser('ann');
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: ann.id } })) as {
      id: string;
    };
    const sent = (await rest.post(Routes.channelMessages(channel.id), { body: { content: 'hello' } })) as {
      id: string;
    };
    await rest.patch(Routes.channelMessage(channel.id, sent.id), {
      body: { content: 'edited', components: [] },
    });
    expect(fake.messagesTo(ann.id)).toMatchObject([
      { id: sent.id, payload: { content: 'hello' }, edits: [{ content: 'edited', components: [] }] },
    ]);

    fake.refuseUser(ann.id, 50007);
    expect(
      (await refusal(rest.post(Routes.channelMessages(channel.id), { body: { content: 'x' } }))).code,
    ).toBe(50007);
    const bo = fake.addUser('bo');
    fake.refuseUser(bo.id, 50278);
    const boChannel = (await rest.post(Routes.userChannels(), { body: { recipient_id: bo.id } })) as {
      id: string;
    };
    const noGuild = await refusal(
      rest.post(Routes.channelMessages(boChannel.id), { body: { content: 'x' } }),
    );
    expect([noGuild.status, noGuild.code]).toEqual([403, 50278]);
    const unknown = await refusal(
      rest.post(Routes.userChannels(), { body: { recipient_id: '123456789012345678' } }),
    );
    expect([unknown.status, unknown.code]).toEqual([404, 10013]);
  });

  it('refuses an invalid message with 50035 and the errors tree', async () => {
    const cy = fake.addUser('cy');
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: cy.id } })) as {
      id: string;
    };
    const tooLong = await refusal(
      rest.post(Routes.channelMessages(channel.id), { body: { content: 'x'.repeat(2001) } }),
    );
    expect([tooLong.code, tooLong.rawError]).toMatchObject([50035, { errors: { content: {} } }]);
    const sixButtons = {
      content: 'x',
      components: [
        {
          type: 1,
          components: Array.from({ length: 6 }, (_, i) => ({
            type: 2,
            style: 1,
            label: `${i}`,
            custom_id: `b${i}`,
          })),
        },
      ],
    };
    expect((await refusal(rest.post(Routes.channelMessages(channel.id), { body: sixButtons }))).code).toBe(
      50035,
    );
    const linkWithId = {
      content: 'x',
      components: [{ type: 1, components: [{ type: 2, style: 5, label: 'Open', custom_id: 'x' }] }],
    };
    expect((await refusal(rest.post(Routes.channelMessages(channel.id), { body: linkWithId }))).code).toBe(
      50035,
    );
  });

  it('scripted 40001 and 5xx answers', async () => {
    fake.failNext('GET /applications/@me', { kind: 'discord', code: 40001 });
    const err = await refusal(rest.get(Routes.currentApplication()));
    expect([err.status, err.code]).toEqual([401, 40001]);
    const noRetry = new REST({ api: fake.apiUrl, version: '10', retries: 0 }).setToken(fake.app.botToken);
    fake.failNext('GET /applications/@me', { kind: 'http', status: 502 });
    await expect(noRetry.get(Routes.currentApplication())).rejects.toMatchObject({ status: 502 });
  });

  it('exchanges an authorization code only when form-encoded: JSON is refused with the OAuth2 error shape', async () => {
    const dee = fake.addUser('dee');
    fake.signInAs(dee.id);
    const redirectUri = 'http://127.0.0.1:1/portal/discord/callback';
    const authorize = `${fake.authorizeUrl}?${new URLSearchParams({ client_id: fake.app.applicationId, response_type: 'code', scope: 'identify', redirect_uri: redirectUri, state: 's1' })}`;
    const back = new URL(await fake.consent(authorize));
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code') ?? '';
    const fields = {
      client_id: fake.app.applicationId,
      client_secret: fake.app.clientSecret,
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    };

    const json = await fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fields),
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: 'invalid_request' });

    const wrongSecret = await fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ ...fields, client_secret: 'nope-nope' }),
    });
    expect([wrongSecret.status, ((await wrongSecret.json()) as { error: string }).error]).toEqual([
      401,
      'invalid_client',
    ]);

    const token = await fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams(fields),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    const asDee = new REST({ api: fake.apiUrl, version: '10', authPrefix: 'Bearer' }).setToken(access_token);
    expect(await asDee.get(Routes.user('@me'))).toMatchObject({ id: dee.id, username: 'dee' });

    const reused = await fetch(`${fake.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams(fields),
    });
    expect([reused.status, ((await reused.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_grant',
    ]);

    const denied = new URL(await fake.consent(authorize, 'cancel'));
    expect([denied.searchParams.get('error'), denied.searchParams.get('state')]).toEqual([
      'access_denied',
      's1',
    ]);
  });

  it('signs interactions with a per-run Ed25519 key whose public key is 64 hex characters', () => {
    expect(fake.app.publicKey).toMatch(/^[0-9a-f]{64}$/);
    const body = JSON.stringify(fake.interactions.ping());
    const headers = fake.signInteraction(body);
    const key = createPublicKey({
      key: Buffer.concat([
        Buffer.from('302a300506032b6570032100', 'hex'),
        Buffer.from(fake.app.publicKey, 'hex'),
      ]),
      format: 'der',
      type: 'spki',
    });
    const signed = Buffer.from(headers['x-signature-timestamp'] + body);
    expect(verify(null, signed, key, Buffer.from(headers['x-signature-ed25519'], 'hex'))).toBe(true);
    expect(
      verify(null, Buffer.from(`${signed}x`), key, Buffer.from(headers['x-signature-ed25519'], 'hex')),
    ).toBe(false);
  });
});

describe('started with rate limits, the fake Discord enforces them as Discord does', () => {
  /** A raw call, so the answers are seen as Discord sends them (@discordjs/rest would wait them out). */
  const call = async (limited: FakeDiscord, method: string, path: string, body?: object) => {
    const res = await fetch(`${limited.apiUrl}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${limited.app.botToken}`, 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const openDm = async (limited: FakeDiscord, name: string) =>
    (await call(limited, 'POST', '/users/@me/channels', { recipient_id: limited.addUser(name).id })).body
      .id as string;

  it('a per-channel message bucket: its headers count down, the one past the limit is a 429 with retry_after, another channel is not held', async () => {
    const limited = await startFakeDiscord({
      rateLimits: {
        globalPerSecond: 1000,
        routes: { 'POST /channels/:id/messages': { limit: 2, windowSeconds: 60 } },
      },
    });
    try {
      const [a, b] = [await openDm(limited, 'ann'), await openDm(limited, 'bob')];
      const first = await call(limited, 'POST', `/channels/${a}/messages`, { content: '1' });
      const second = await call(limited, 'POST', `/channels/${a}/messages`, { content: '2' });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect([
        first.headers.get('x-ratelimit-remaining'),
        second.headers.get('x-ratelimit-remaining'),
      ]).toEqual(['1', '0']);
      const third = await call(limited, 'POST', `/channels/${a}/messages`, { content: '3' });
      expect(third.status).toBe(429);
      expect(third.body).toMatchObject({ message: 'You are being rate limited.', global: false });
      expect(Number(third.body.retry_after)).toBeGreaterThan(0);
      expect(third.headers.get('x-ratelimit-scope')).toBe('user');
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(limited, 'POST', `/channels/${b}/messages`, { content: '1' })).status).toBe(200);
      expect(limited.messages.map((m) => m.payload.content)).toEqual(['1', '2', '1']);
      expect(limited.rateLimitedCount()).toBe(1);
    } finally {
      await limited.close();
    }
  });

  it('the global limit per bot: past it, a 429 with global true and X-RateLimit-Global, whatever the route', async () => {
    const limited = await startFakeDiscord({ rateLimits: { globalPerSecond: 2, routes: {} } });
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => call(limited, 'GET', '/users/@me')));
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        expect(r.body).toMatchObject({ global: true });
        expect(r.headers.get('x-ratelimit-global')).toBe('true');
        expect(r.headers.get('x-ratelimit-bucket')).toBeNull();
      }
      expect(answers.filter((a) => a.status === 200).length).toBeLessThan(6);
    } finally {
      await limited.close();
    }
  });

  it("with Discord's limits, @discordjs/rest sends six messages to one channel by the bucket's headers without provoking a 429", async () => {
    const limited = await startFakeDiscord({ rateLimits: DISCORD_RATE_LIMITS });
    try {
      const client = new REST({ api: limited.apiUrl, version: '10' }).setToken(limited.app.botToken);
      const channel = await openDm(limited, 'cy');
      for (let i = 0; i < 6; i++) {
        await client.post(Routes.channelMessages(channel), { body: { content: `m${i}` } });
      }
      expect(limited.messages).toHaveLength(6);
      expect(limited.rateLimitedCount()).toBe(0);
    } finally {
      await limited.close();
    }
  });
});
