import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

/** A new secret of 256 bits, URL-safe, with a readable prefix (`cl_` for API tokens). */
export function generateSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * Secrets are stored as SHA-256 hashes: they carry 256 bits of entropy, so a fast hash is enough
 * and a database dump alone does not reveal a usable secret. Lookup is by the hash (an index
 * equality), which does not leak timing about the secret itself.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const SCRYPT_KEYLEN = 64;

/** scrypt's cost parameters, recorded in every hash so that raising them later still verifies old ones. */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

/** N=2^17, r=8, p=1: OWASP's scrypt recommendation; about 128 MiB and a few hundred ms per hash. */
export const PASSWORD_COST: PasswordCost = { N: 2 ** 17, r: 8, p: 1 };

const scrypt = (password: string, salt: Buffer, keylen: number, cost: PasswordCost) =>
  new Promise<Buffer>((resolve, reject) =>
    // Node refuses by default above 32 MiB; scrypt needs 128·N·r bytes, plus headroom.
    scryptCb(password, salt, keylen, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );

/** `scrypt$N=131072,r=8,p=1$salt$hash` (base64). */
export async function hashPassword(password: string, cost: PasswordCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT_KEYLEN, cost);
  return `scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** The first hashes had no parameters: they used Node's defaults. */
const LEGACY_COST: PasswordCost = { N: 16_384, r: 8, p: 1 };

function parseHash(stored: string) {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return null;
  if (parts.length === 3) return { cost: LEGACY_COST, salt: parts[1], key: parts[2] };
  const params = /^N=(\d+),r=(\d+),p=(\d+)$/.exec(parts[1] ?? '');
  if (parts.length !== 4 || !params) return null;
  const [N, r, p] = params.slice(1).map(Number) as [number, number, number];
  return { cost: { N, r, p }, salt: parts[2], key: parts[3] };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed?.salt || !parsed.key) return false;
  const expected = Buffer.from(parsed.key, 'base64');
  const actual = await scrypt(password, Buffer.from(parsed.salt, 'base64'), expected.length, parsed.cost);
  return timingSafeEqual(actual, expected);
}

/** True when the hash was made with other parameters than `cost`: rehash it on the next sign-in. */
export function needsRehash(stored: string, cost: PasswordCost): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.N !== cost.N || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}

const dummyHashes = new Map<string, Promise<string>>();

/** A hash made once per cost, so unknown emails cost the same scrypt time as known ones. */
export function dummyPasswordHash(cost: PasswordCost): Promise<string> {
  const key = `${cost.N},${cost.r},${cost.p}`;
  let hash = dummyHashes.get(key);
  if (!hash) {
    hash = hashPassword(randomBytes(16).toString('hex'), cost);
    dummyHashes.set(key, hash);
  }
  return hash;
}
