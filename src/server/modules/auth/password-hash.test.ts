import { randomBytes, scryptSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { buildAccount, type Tenant } from '../../../../tests/helpers/factories.js';
import { PASSWORD_COST } from '../../lib/tokens.js';

// This file runs at the production cost (N=2^17), the rest of the suite at a cheap one.
let t: TestApp;
let tenant: Tenant;

beforeAll(async () => {
  t = await createTestApp({ passwordCost: PASSWORD_COST });
  tenant = await buildAccount(t);
});

const storedHash = async () =>
  (
    await t.db.execute<{ h: string }>(
      sql`SELECT password_hash AS h FROM users WHERE id = ${tenant.owner.userId}`,
    )
  ).rows[0]?.h as string;
const setHash = (hash: string) =>
  t.db.execute(sql`UPDATE users SET password_hash = ${hash} WHERE id = ${tenant.owner.userId}`);
const signIn = (password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/sign-in',
    payload: { email: tenant.owner.email, password },
    remoteAddress: `10.1.1.${randomBytes(1)[0]}`,
  });

describe('password hashes', () => {
  it('record their scrypt parameters, N=2^17, r=8, p=1 by default', async () => {
    expect(await storedHash()).toMatch(/^scrypt\$N=131072,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect((await signIn('owner-password')).statusCode).toBe(200);
  });

  it('an old-parameter hash is rehashed at N=2^17 on sign-in', async () => {
    // The first format: no parameters, Node's default scrypt cost (N=16384).
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync('old-password', salt, 64).toString('base64')}`;
    await setHash(legacy);
    expect((await signIn('wrong password')).statusCode).toBe(401);
    expect(await storedHash()).toBe(legacy);
    expect((await signIn('old-password')).statusCode).toBe(200);
    const rehashed = await storedHash();
    expect(rehashed).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
    expect((await signIn('old-password')).statusCode).toBe(200);
    expect(await storedHash()).toBe(rehashed);

    const cheap = `scrypt$N=1024,r=8,p=1$${salt.toString('base64')}$${scryptSync('cheap-password', salt, 64, { N: 1024 }).toString('base64')}`;
    await setHash(cheap);
    expect((await signIn('cheap-password')).statusCode).toBe(200);
    expect(await storedHash()).toMatch(/^scrypt\$N=131072,r=8,p=1\$/);
  });
});
