import { solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { inTransaction } from '../../db/client.js';
import { type CaptchaChallenge, verifyCaptcha } from './index.js';

// Its own file: the key is cached per process, so this must run before this process signs anything.
let t: TestApp;
const otherInstanceKey = 'a key another instance stored first, 32+ characters long';

beforeAll(async () => {
  t = await createTestApp();
  await t.db.execute(
    sql`INSERT INTO instance_secrets (name, value, created_at) VALUES ('captcha_hmac', ${otherInstanceKey}, now())`,
  );
});

it('signs with the key another instance stored first, never replacing it', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/captcha/challenge' });
  expect(res.statusCode).toBe(200);
  const challenge = res.json() as CaptchaChallenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');

  const check = await verifySolution({
    challenge,
    solution,
    deriveKey,
    hmacSignatureSecret: otherInstanceKey,
  });
  expect(check.verified).toBe(true);
  const stored = await t.db.execute(sql`SELECT value FROM instance_secrets WHERE name = 'captcha_hmac'`);
  expect(stored.rows).toEqual([{ value: otherInstanceKey }]);

  const payload = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  await expect(inTransaction(t.db, (tx) => verifyCaptcha(tx, t.clock, payload))).resolves.toBeUndefined();
});
