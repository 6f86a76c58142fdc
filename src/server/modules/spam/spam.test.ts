import { createChallenge, type Solution, solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../../../tests/helpers/app.js';
import { loadConfig } from '../../config.js';
import { inTransaction } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import {
  type CaptchaChallenge,
  captchaBodyFields,
  countHoneypotDiscards,
  isHoneypotFilled,
  logHoneypotDiscard,
  purgeCaptchaUsesJob,
  verifyCaptcha,
} from './index.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});

async function fetchChallenge() {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/captcha/challenge' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as CaptchaChallenge;
}

/** What the widget does: solve, then send base64 of {challenge, solution}. */
async function solve(challenge: CaptchaChallenge) {
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return { solution, payload: encode(challenge, solution) };
}

const encode = (challenge: CaptchaChallenge, solution: Solution) =>
  Buffer.from(
    JSON.stringify({
      challenge: { parameters: challenge.parameters, signature: challenge.signature },
      solution,
    }),
  ).toString('base64');

const verify = (payload: string | undefined) =>
  inTransaction(t.db, (tx) => verifyCaptcha(tx, t.clock, payload));

/** The refusal a payload gets, or null when it is accepted. */
async function refusalOf(payload: string | undefined) {
  try {
    await verify(payload);
    return null;
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.statusCode, code: err.code, reason: (err.details as { reason?: string })?.reason };
  }
}

const refused = (reason: string) => ({ status: 400, code: 'CAPTCHA_INVALID', reason });

async function usedChallenges() {
  const res = await t.db.execute<{ challenge: string; expires_at: string }>(
    sql`SELECT challenge, expires_at FROM captcha_uses ORDER BY challenge`,
  );
  return res.rows;
}

describe('the challenge route', () => {
  it('gives a fresh, signed, uncacheable challenge on every request, expiring after the setting', async () => {
    const responses = await Promise.all(
      [1, 2].map(() => t.app.inject({ method: 'GET', url: '/api/v1/captcha/challenge' })),
    );
    const [a, b] = responses.map((res) => {
      expect(res.statusCode).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      return res.json() as CaptchaChallenge;
    });
    if (!a || !b) throw new Error('two challenges expected');
    expect(a.parameters.nonce).not.toBe(b.parameters.nonce);
    expect(a.parameters.salt).not.toBe(b.parameters.salt);
    expect(a.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(a.signature).not.toBe(b.signature);
    expect(a.parameters).toMatchObject({ algorithm: 'PBKDF2/SHA-256', keySignature: expect.any(String) });
    const expected = Math.floor((t.clock.now().getTime() + t.ctx.config.captchaExpiresSeconds * 1000) / 1000);
    expect(a.parameters.expiresAt).toBe(expected);
  });

  it('makes the solver find a secret counter between half of CAPTCHA_MAX_NUMBER and all of it', async () => {
    const max = t.ctx.config.captchaMaxNumber;
    for (let i = 0; i < 5; i++) {
      const { solution } = await solve(await fetchChallenge());
      expect(solution.counter).toBeGreaterThanOrEqual(Math.ceil(max / 2));
      expect(solution.counter).toBeLessThanOrEqual(max);
    }
  });

  it('signs with the installation key stored once in instance_secrets', async () => {
    const challenge = await fetchChallenge();
    const { solution } = await solve(challenge);
    const rows = await t.db.execute<{ name: string; value: string }>(
      sql`SELECT name, value FROM instance_secrets WHERE name = 'captcha_hmac'`,
    );
    expect(rows.rows).toHaveLength(1);
    const secret = rows.rows[0]?.value ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(43);
    const withStored = await verifySolution({ challenge, solution, deriveKey, hmacSignatureSecret: secret });
    expect(withStored.verified).toBe(true);
    const withOther = await verifySolution({
      challenge,
      solution,
      deriveKey,
      hmacSignatureSecret: `${secret}x`,
    });
    expect(withOther.verified).toBe(false);
  });
});

describe('verifyCaptcha', () => {
  it('accepts a solved challenge once and records it as used until its expiry', async () => {
    const challenge = await fetchChallenge();
    const { payload } = await solve(challenge);
    expect(await refusalOf(payload)).toBeNull();
    const mine = (await usedChallenges()).filter((r) => r.challenge === challenge.parameters.nonce);
    expect(mine.map((r) => new Date(r.expires_at).getTime())).toEqual([
      (challenge.parameters.expiresAt ?? 0) * 1000,
    ]);
  });

  it('refuses a replayed solution', async () => {
    const { payload } = await solve(await fetchChallenge());
    expect(await refusalOf(payload)).toBeNull();
    expect(await refusalOf(payload)).toEqual(refused('used'));
  });

  it('accepts exactly one of two concurrent submissions of the same solution', async () => {
    const { payload } = await solve(await fetchChallenge());
    const results = await Promise.allSettled([verify(payload), verify(payload)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((r) => r.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'CAPTCHA_INVALID' });
  });

  it('does not spend the challenge when the submission rolls back', async () => {
    const challenge = await fetchChallenge();
    const { payload } = await solve(challenge);
    const failing = inTransaction(t.db, async (tx) => {
      await verifyCaptcha(tx, t.clock, payload);
      throw new Error('the rest of the submission failed');
    });
    await expect(failing).rejects.toThrow('the rest of the submission failed');
    expect((await usedChallenges()).map((r) => r.challenge)).not.toContain(challenge.parameters.nonce);
    expect(await refusalOf(payload)).toBeNull();
  });

  it('refuses a solution or challenge changed after solving', async () => {
    const challenge = await fetchChallenge();
    const { solution } = await solve(challenge);
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const tampered = [
      encode(challenge, { ...solution, derivedKey: flip(solution.derivedKey) }),
      encode(
        {
          ...challenge,
          parameters: { ...challenge.parameters, expiresAt: (challenge.parameters.expiresAt ?? 0) + 3600 },
        },
        solution,
      ),
      encode({ ...challenge, parameters: { ...challenge.parameters, keyPrefix: '00' } }, solution),
      encode({ ...challenge, signature: flip(challenge.signature ?? '') }, solution),
    ];
    for (const payload of tampered) expect(await refusalOf(payload)).toEqual(refused('invalid'));
    expect(await refusalOf(encode(challenge, solution))).toBeNull();
  });

  it('refuses a challenge made and solved with any other key', async () => {
    const forged = await createChallenge({
      algorithm: 'PBKDF2/SHA-256',
      cost: 1000,
      counter: 3,
      deriveKey,
      expiresAt: new Date(t.clock.now().getTime() + 60_000),
      hmacSignatureSecret: 'an attacker guessing the key',
      hmacKeySignatureSecret: 'another guess',
    });
    const challenge = { parameters: { ...forged.parameters }, signature: forged.signature };
    const { payload } = await solve(challenge);
    expect(await refusalOf(payload)).toEqual(refused('invalid'));
    expect((await usedChallenges()).map((r) => r.challenge)).not.toContain(challenge.parameters.nonce);
  });

  it('refuses an empty payload as required and a malformed one as invalid', async () => {
    const required = { status: 400, code: 'CAPTCHA_REQUIRED', reason: undefined };
    expect(await refusalOf(undefined)).toEqual(required);
    expect(await refusalOf('')).toEqual(required);
    for (const junk of ['not base64 at all', Buffer.from('{"challenge":{}}').toString('base64'), 'e30=']) {
      expect(await refusalOf(junk)).toEqual(refused('invalid'));
    }
  });

  it('refuses a challenge once the clock passes its expiry, accepting it until then', async () => {
    const expiresMs = t.ctx.config.captchaExpiresSeconds * 1000;
    const early = await solve(await fetchChallenge());
    const late = await solve(await fetchChallenge());
    t.clock.advance(expiresMs - 5_000);
    expect(await refusalOf(early.payload)).toBeNull();
    t.clock.advance(5_000);
    expect(await refusalOf(late.payload)).toEqual(refused('expired'));
    expect(await refusalOf(early.payload)).toEqual(refused('expired'));
  });
});

describe('the purge job', () => {
  it('deletes used challenges expired longer than the grace period ago and keeps the rest', async () => {
    await t.db.execute(sql`DELETE FROM captcha_uses`);
    const now = t.clock.now().getTime();
    const rows = { longExpired: now - 3_600_000, justExpired: now - 60_000, live: now + 60_000 };
    for (const [challenge, at] of Object.entries(rows)) {
      await t.db.execute(
        sql`INSERT INTO captcha_uses (challenge, expires_at) VALUES (${challenge}, ${new Date(at)})`,
      );
    }
    await inTransaction(t.db, (tx) => t.ctx.jobs.enqueue(tx, purgeCaptchaUsesJob, {}));
    expect(await t.runJobs(purgeCaptchaUsesJob)).toBe(1);
    expect((await usedChallenges()).map((r) => r.challenge)).toEqual(['justExpired', 'live']);
  });

  it('leaves a purged solution refused as expired', async () => {
    const challenge = await fetchChallenge();
    const { payload } = await solve(challenge);
    expect(await refusalOf(payload)).toBeNull();
    t.clock.advance(2 * 3_600_000);
    await inTransaction(t.db, (tx) => t.ctx.jobs.enqueue(tx, purgeCaptchaUsesJob, {}));
    await t.runJobs(purgeCaptchaUsesJob);
    expect((await usedChallenges()).map((r) => r.challenge)).not.toContain(challenge.parameters.nonce);
    expect(await refusalOf(payload)).toEqual(refused('expired'));
  });

  it('is scheduled hourly', () => {
    expect(purgeCaptchaUsesJob.cron).toMatch(/^\d{1,2} \* \* \* \*$/);
  });
});

describe('the honeypot', () => {
  it('counts as filled when it holds anything at all, and as empty when absent or blank', () => {
    expect([undefined, null, ''].map(isHoneypotFilled)).toEqual([false, false, false]);
    expect(['http://spam.example', ' ', 'x'].map(isHoneypotFilled)).toEqual([true, true, true]);
  });

  it('is the optional "website" field in the body fields public forms spread in', () => {
    const body = z.object({ rating: z.number(), ...captchaBodyFields });
    expect(body.safeParse({ rating: 5, altcha: 'x' }).success).toBe(true);
    expect(body.safeParse({ rating: 5, altcha: 'x', website: 'http://spam.example' }).data).toMatchObject({
      website: 'http://spam.example',
    });
    // No solution at all is an empty one: verifyCaptcha refuses it with CAPTCHA_REQUIRED.
    expect(body.parse({ rating: 5 }).altcha).toBe('');
  });

  it('logs each discarded submission with its route and counts it', async () => {
    const lines: string[] = [];
    const logged = Fastify({
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    const before = countHoneypotDiscards();
    logHoneypotDiscard({ log: logged.log }, 'csat.survey');
    await logged.close();
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        level: 30,
        spam: 'honeypot',
        route: 'csat.survey',
        msg: 'honeypot submission discarded',
      }),
    ]);
    expect(countHoneypotDiscards()).toBe(before + 1);
  });
});

describe('the captcha settings', () => {
  it('default to a difficulty of 5,000 and ten minutes, and refuse nonsense', () => {
    expect(loadConfig({})).toMatchObject({ captchaMaxNumber: 5000, captchaExpiresSeconds: 600 });
    expect(loadConfig({ CAPTCHA_MAX_NUMBER: '20' }).captchaMaxNumber).toBe(20);
    expect(() => loadConfig({ CAPTCHA_MAX_NUMBER: '0' })).toThrow(/CAPTCHA_MAX_NUMBER/);
    expect(() => loadConfig({ CAPTCHA_EXPIRES_SECONDS: 'soon' })).toThrow(/CAPTCHA_EXPIRES_SECONDS/);
  });
});
