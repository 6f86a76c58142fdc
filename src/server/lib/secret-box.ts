import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const PREFIX = 'v1.';

/**
 * Secrets Clearline must use again (a Discord bot token, a mailbox password, a webhook signing
 * secret) are stored encrypted with AES-256-GCM under a key derived from SECRET_KEY, which lives
 * outside the database: a dump alone reveals none of them. Each value has its own random IV; the
 * GCM tag makes any altered value fail to open instead of decrypting to garbage. `context` (e.g.
 * `discord.bot_token:{accountId}`) is bound as additional data, so a value copied into another row
 * or column does not open there either.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = createHmac('sha256', secretKey).update('clearline/secret-box/v1').digest();
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The plaintext, or null when the value was altered, sealed for another context or another key. */
  open(sealed: string, context: string): string | null {
    if (!sealed.startsWith(PREFIX)) return null;
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_LENGTH + TAG_LENGTH) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_LENGTH));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
      return Buffer.concat([
        decipher.update(raw.subarray(IV_LENGTH + TAG_LENGTH)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return null;
    }
  }
}
