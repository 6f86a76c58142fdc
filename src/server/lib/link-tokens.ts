import { createHmac, timingSafeEqual } from 'node:crypto';

const ID_LENGTH = 22; // a UUID's 16 bytes in base64url
const MAC_LENGTH = 43; // 32 bytes of HMAC-SHA256 in base64url

/**
 * Secret links (`/s/{token}`, `/p/{token}`) are `base64url(id) + base64url(HMAC(key, purpose:id:version))`:
 * 256 bits of secret, scoped to one object and one purpose, derivable again for re-sending, never
 * stored (a database dump alone cannot recreate them: the key lives outside the database), and
 * revoked by bumping the version or deleting the object.
 */
export class LinkTokens {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = createHmac('sha256', secretKey).update('clearline/link-tokens/v1').digest();
  }

  private mac(purpose: string, id: string, version: number): Buffer {
    return createHmac('sha256', this.key).update(`${purpose}:${id}:${version}`).digest();
  }

  sign(purpose: string, id: string, version: number): string {
    const idPart = Buffer.from(id.replaceAll('-', ''), 'hex').toString('base64url');
    return idPart + this.mac(purpose, id, version).toString('base64url');
  }

  /** The object id a token claims, or null when it is not even shaped like one. Verify before trusting it. */
  parseId(token: string): string | null {
    if (token.length !== ID_LENGTH + MAC_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
    const hex = Buffer.from(token.slice(0, ID_LENGTH), 'base64url').toString('hex');
    if (hex.length !== 32) return null;
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /**
   * Constant-time check that the token is exactly the one signed for this purpose, object and version.
   * Compares the text, not decoded bytes: base64url's unused trailing bits would otherwise let
   * altered tokens through.
   */
  verify(purpose: string, token: string, id: string, version: number): boolean {
    const given = Buffer.from(token);
    const expected = Buffer.from(this.sign(purpose, id, version));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
