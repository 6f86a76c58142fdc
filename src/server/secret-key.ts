import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';

/**
 * SECRET_KEY signs secret links. With the bundled database it may be left unset: a key is generated
 * once into DATA_DIR/secret.key (mode 0600), outside the database.
 */
export function resolveSecretKey(config: Config): string {
  if (config.secretKey) return config.secretKey;
  if (config.databaseUrl) {
    throw new Error(
      'Set SECRET_KEY (at least 32 random characters, the same on every instance) when using DATABASE_URL.',
    );
  }
  const file = path.join(config.dataDir, 'secret.key');
  try {
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
