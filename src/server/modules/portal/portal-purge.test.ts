import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, buildTicket, type Tenant } from '../../../../tests/helpers/factories.js';
import { postForm, signInCustomer } from '../../../../tests/helpers/portal.js';
import { purgeExpiredPortalAccessJob } from './index.js';

let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await buildAccount(t);
});

const count = async (table: 'customer_sessions' | 'customer_sign_in_tokens') =>
  (await t.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`)).rows[0]
    ?.n;

describe('the hourly purge of portal sign-ins', () => {
  it('deletes ended customer sessions and sign-in links expired for a day, and keeps live ones', async () => {
    const email = 'casey@example.com';
    await buildTicket(t, tenant, { requester: { email, name: 'Casey' } });
    await signInCustomer(t, tenant.accountId, email);
    expect(await count('customer_sessions')).toBe(1);
    expect(await count('customer_sign_in_tokens')).toBe(1);

    t.clock.advance(400 * 86_400_000);
    const { cookie } = await signInCustomer(t, tenant.accountId, email);
    await postForm(t, `/portal/${tenant.accountId}/sign-in`, { email });
    expect(await count('customer_sessions')).toBe(2);
    expect(await count('customer_sign_in_tokens')).toBe(3);

    await purgeExpiredPortalAccessJob.handle(t.ctx, {});

    expect(await count('customer_sessions')).toBe(1);
    expect(await count('customer_sign_in_tokens')).toBe(2);
    const home = await t.app.inject({
      method: 'GET',
      url: `/portal/${tenant.accountId}`,
      headers: { cookie },
    });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('The printer is on fire');
  });
});
