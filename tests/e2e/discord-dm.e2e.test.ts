import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDeliveryJob } from '../../src/server/modules/delivery/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
import { setUpDiscord } from '../helpers/discord.js';
import { buildAccount, buildTicket, type Tenant } from '../helpers/factories.js';
import { type FakeDiscord, type SentMessage, startFakeDiscord } from '../helpers/fake-discord.js';
import { portalLinkOf } from '../helpers/portal.js';

let t: TestApp;
let fake: FakeDiscord;
let tenant: Tenant;
let browser: Browser;
let base: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  t = await createTestApp({ discordApiUrl: fake.apiUrl, discordAuthorizeUrl: fake.authorizeUrl });
  tenant = await buildAccount(t, { name: 'Acme Support', projectKey: 'ACME' });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.ctx.config.publicUrl = base;
  browser = await launchBrowser();
  await setUpDiscord(t, tenant, fake);
});

afterAll(async () => {
  await browser?.close();
  await fake.close();
});

/** Posts an interaction to Clearline as Discord does, signed with the application's key. */
const interact = (body: object) => {
  const raw = JSON.stringify(body);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/discord/${tenant.accountId}/interactions`,
    headers: { ...fake.signInteraction(raw), 'content-type': 'application/json' },
    payload: raw,
  });
};

const patch = (ticketId: string, status: string) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/v1/tickets/${ticketId}`,
    headers: tenant.owner.headers,
    payload: { status },
  });

const starsOf = (m: SentMessage) =>
  (m.payload.components as { components: { custom_id?: string }[] }[])
    .flatMap((r) => r.components)
    .flatMap((b) => (b.custom_id ? [b.custom_id] : []));

describe('a survey answered inside Discord, end to end', () => {
  it('linked in Chromium through the OAuth redirects → resolve → DM with five stars → signed click → modal → signed submit → analytics shows discord; reopen edits the DM', async () => {
    const bo = fake.addUser('bo');
    fake.signInAs(bo.id);
    const ticket = await buildTicket(t, tenant, { requester: { email: 'bo@example.com', name: 'Bo' } });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}${portalLinkOf(t, ticket.id)}`);
    await page.click('#discord-link-form button');
    await page.waitForURL((url) => url.href.startsWith(fake.authorizeUrl));
    await page.click('button:has-text("Authorize")');
    await page.waitForSelector('#discord-linked');

    expect((await patch(ticket.id, 'resolved')).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    const [dm] = fake.messagesTo(bo.id);
    if (!dm) throw new Error('no DM');
    const stars = starsOf(dm);
    expect(stars).toHaveLength(5);

    const modal = (await interact(fake.interactions.buttonClick(bo, dm, stars[4] ?? ''))).json();
    expect(modal).toMatchObject({ type: 9, data: { title: 'You chose 5★' } });
    const submit = await interact(
      fake.interactions.modalSubmit(bo, dm, modal.data.custom_id, { comment: 'E2E-DISCORD-COMMENT' }),
    );
    expect(submit.json()).toMatchObject({
      type: 7,
      data: { content: 'You rated 5★ — thank you!', components: [] },
    });
    const reviews = await t.app.inject({
      method: 'GET',
      url: `/api/v1/projects/${tenant.projectId}/csat/reviews?channel=discord`,
      headers: tenant.owner.headers,
    });
    expect(reviews.body).toContain('E2E-DISCORD-COMMENT');

    // The answer is final; a reopen then a new resolution brings a new DM, and a reopen edits it.
    expect((await patch(ticket.id, 'open')).statusCode).toBe(200);
    expect((await patch(ticket.id, 'resolved')).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    const second = fake.messagesTo(bo.id)[1];
    if (!second) throw new Error('no second DM');
    expect((await patch(ticket.id, 'open')).statusCode).toBe(200);
    await t.runJobs(sendDeliveryJob);
    expect(second.edits.at(-1)).toMatchObject({ components: [] });
    expect(String(second.edits.at(-1)?.content)).toMatch(/withdrawn/);
  });
});
