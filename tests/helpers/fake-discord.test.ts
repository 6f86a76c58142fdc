import { createPublicKey, verify } from 'node:crypto';
import { DiscordAPIError, REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from './fake-discord.js';

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
