import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import type { Database, Queryable, Tx } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import {
  deleteCaptchaUsesExpiredBefore,
  findInstanceSecret,
  insertCaptchaUseIfAbsent,
  insertInstanceSecretIfAbsent,
} from './spam.repo.js';
import { type CaptchaChallenge, captchaPayloadSchema } from './spam.schemas.js';

/**
 * ALTCHA v2 proof of work, the widget's default algorithm. Each try is one PBKDF2 that browsers
 * run natively through WebCrypto, so a person's browser is about as fast per try as a bot's native
 * code (with plain SHA-256 the per-call overhead in the browser would dominate).
 */
const ALGORITHM = 'PBKDF2/SHA-256';
/** PBKDF2 rounds per try: about 0.3 ms on one core here (Node 20, AMD EPYC). */
const COST = 1000;
const SECRET_NAME = 'captcha_hmac';
/**
 * Used challenges are kept this long past their expiry, so an instance whose clock lags the purging
 * one by less than this still finds the record of a challenge it considers unexpired.
 */
const PURGE_GRACE_MS = 10 * 60_000;

export type CaptchaSettings = Pick<Config, 'captchaMaxNumber' | 'captchaExpiresSeconds'>;
export type CaptchaRefusal = 'invalid' | 'expired' | 'used';

interface CaptchaKeys {
  /** Signs the challenge parameters (expiry included), so none can be changed. */
  signature: string;
  /** Signs the expected derived key, so verifying a solution is one HMAC, not a PBKDF2. */
  keySignature: string;
}

/**
 * One key per installation, in instance_secrets, shared by every instance; read once per process.
 * A process serves one installation (one database), so a module-level cache is enough.
 */
let cachedKeys: Promise<CaptchaKeys> | null = null;

const keysFrom = (secret: string): CaptchaKeys => ({
  signature: secret,
  keySignature: createHmac('sha256', secret).update('altcha key signature').digest('hex'),
});

/**
 * Creates the key on first use. Through the pool, never a caller's transaction: a rollback must not
 * leave this process signing with a key no other instance can read.
 */
function ensureCaptchaKeys(db: Database, clock: Clock): Promise<CaptchaKeys> {
  cachedKeys ??= (async () => {
    await insertInstanceSecretIfAbsent(db, SECRET_NAME, randomBytes(32).toString('base64url'), clock.now());
    const secret = await findInstanceSecret(db, SECRET_NAME);
    if (!secret) throw new Error('The captcha key is missing right after it was stored.');
    return keysFrom(secret);
  })().catch((err: unknown) => {
    cachedKeys = null;
    throw err;
  });
  return cachedKeys;
}

/** Reads the key without creating it: with no key yet, no challenge was ever issued. */
async function findCaptchaKeys(db: Queryable): Promise<CaptchaKeys | null> {
  if (cachedKeys) return cachedKeys;
  const secret = await findInstanceSecret(db, SECRET_NAME);
  if (!secret) return null;
  const keys = keysFrom(secret);
  cachedKeys = Promise.resolve(keys);
  return keys;
}

/**
 * A fresh challenge for the ALTCHA widget. The solver must find a secret counter drawn from
 * [max/2, max]; the expiry (from our clock) is signed into it.
 */
export async function createCaptchaChallenge(
  db: Database,
  clock: Clock,
  settings: CaptchaSettings,
): Promise<CaptchaChallenge> {
  const keys = await ensureCaptchaKeys(db, clock);
  const max = settings.captchaMaxNumber;
  const challenge = await createChallenge({
    algorithm: ALGORITHM,
    cost: COST,
    deriveKey,
    counter: randomInt(Math.ceil(max / 2), max + 1),
    expiresAt: new Date(clock.now().getTime() + settings.captchaExpiresSeconds * 1000),
    hmacSignatureSecret: keys.signature,
    hmacKeySignatureSecret: keys.keySignature,
  });
  return { parameters: { ...challenge.parameters }, signature: challenge.signature };
}

const refusals: Record<CaptchaRefusal, string> = {
  invalid: 'The captcha solution is not valid. Solve the new captcha and send the form again.',
  expired: 'The captcha expired. Solve the new captcha and send the form again.',
  used: 'This captcha solution was used already. Solve the new captcha and send the form again.',
};

const refuse = (reason: CaptchaRefusal) => new AppError('CAPTCHA_INVALID', refusals[reason], { reason });

function parsePayload(payload: string) {
  try {
    const parsed = captchaPayloadSchema.safeParse(
      JSON.parse(Buffer.from(payload, 'base64').toString('utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Checks the widget's payload and uses its challenge up, in the caller's write transaction: the
 * challenge is spent exactly when the submission commits. A submission that fails and rolls back
 * leaves it usable, which is harmless (nothing was written) and lets a person fix a mistake
 * without solving again. Throws CAPTCHA_REQUIRED (empty) or CAPTCHA_INVALID with
 * `details.reason`: 'invalid' (malformed, forged, tampered, wrong), 'expired', or 'used' (replayed;
 * a concurrent replay waits on the first one's row and is refused once it commits).
 */
export async function verifyCaptcha(tx: Tx, clock: Clock, payload: string | undefined): Promise<void> {
  if (!payload) throw new AppError('CAPTCHA_REQUIRED', 'Solve the captcha, then send the form again.');
  const parsed = parsePayload(payload);
  if (!parsed) throw refuse('invalid');
  const keys = await findCaptchaKeys(tx);
  if (!keys) throw refuse('invalid');
  const result = await verifySolution({
    challenge: parsed.challenge,
    solution: parsed.solution,
    deriveKey,
    hmacSignatureSecret: keys.signature,
    hmacKeySignatureSecret: keys.keySignature,
  }).catch(() => null);
  // altcha-lib also checks the expiry against the wall clock; ours (below) is the one tests can move.
  if (!result?.verified) throw refuse(result?.expired ? 'expired' : 'invalid');
  const expiresAt = new Date(parsed.challenge.parameters.expiresAt * 1000);
  if (expiresAt.getTime() <= clock.now().getTime()) throw refuse('expired');
  if (!(await insertCaptchaUseIfAbsent(tx, parsed.challenge.parameters.nonce, expiresAt)))
    throw refuse('used');
}

/** Forgets used challenges once they are expired (plus a grace period); returns how many. */
export function purgeExpiredCaptchaUses(db: Queryable, clock: Clock): Promise<number> {
  return deleteCaptchaUsesExpiredBefore(db, new Date(clock.now().getTime() - PURGE_GRACE_MS));
}

/** True when the hidden honeypot field has anything in it: only bots fill it. */
export function isHoneypotFilled(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.length > 0;
}

let honeypotDiscards = 0;

/**
 * Call when a submission is discarded for its honeypot (then answer exactly as on success and write
 * nothing). The log line is the record; the counter is this process's total.
 */
export function logHoneypotDiscard(request: { log: Pick<FastifyBaseLogger, 'info'> }, route: string): void {
  honeypotDiscards += 1;
  request.log.info({ spam: 'honeypot', route }, 'honeypot submission discarded');
}

/** Submissions this process discarded for their honeypot since it started. */
export const countHoneypotDiscards = (): number => honeypotDiscards;
