import { expect } from 'vitest';
import type { TestApp } from './app.js';
import type { Tenant } from './factories.js';
import type { FakeDiscord } from './fake-discord.js';
import { postForm } from './portal.js';

/** Saves the fake's application as the tenant's Discord settings, through the API. */
export async function setUpDiscord(t: TestApp, tenant: Tenant, fake: FakeDiscord) {
  const res = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/discord/settings',
    headers: tenant.owner.headers,
    payload: {
      applicationId: fake.app.applicationId,
      publicKey: fake.app.publicKey,
      botToken: fake.app.botToken,
      clientSecret: fake.app.clientSecret,
    },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/**
 * Presses "Link Discord" on a portal page (its base path): Discord's consent page URL, and the
 * state cookie the browser keeps for the way back.
 */
export async function startLink(t: TestApp, base: string, headers: Record<string, string> = {}) {
  const res = await postForm(t, `${base}/discord/link`, {}, headers);
  expect(res.statusCode, res.body).toBe(303);
  const cookie = res.cookies.find((c) => c.name === 'clearline_discord_state');
  return { authorize: String(res.headers.location), cookie: `clearline_discord_state=${cookie?.value}` };
}

/** Discord's redirect back, as the browser follows it (with the state cookie it holds): the callback's answer. */
export const followCallback = (t: TestApp, location: string, cookie?: string) => {
  const url = new URL(location, 'http://discord-redirect');
  return t.app.inject({
    method: 'GET',
    url: `${url.pathname}${url.search}`,
    headers: cookie ? { cookie } : {},
  });
};

/**
 * The whole "Link Discord" as a customer does it, without a browser: the portal button, the fake
 * consent page (as `userId`), the callback. Returns the callback's answer.
 */
export async function linkDiscord(
  t: TestApp,
  fake: FakeDiscord,
  base: string,
  userId: string,
  headers: Record<string, string> = {},
  decision: 'authorize' | 'cancel' = 'authorize',
) {
  fake.signInAs(userId);
  const { authorize, cookie } = await startLink(t, base, headers);
  return followCallback(t, await fake.consent(authorize, decision), cookie);
}
