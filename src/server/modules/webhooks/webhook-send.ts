import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { checkedLookup, ForbiddenAddressError, isForbiddenAddress } from './webhook-address.js';

export const EXCERPT_LENGTH = 500;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`, as Stripe signs. */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export type PostOutcome =
  | { kind: 'answered'; statusCode: number; excerpt: string }
  | { kind: 'refused'; excerpt: string }
  | { kind: 'error'; excerpt: string };

/**
 * One POST, no redirects followed (a 3xx is an answer like any other). Unless private addresses are
 * allowed, the name is resolved and checked by `checkedLookup` and an IP literal is checked here
 * (Node does not call `lookup` for one).
 */
export function postJson(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; signal: AbortSignal },
): Promise<PostOutcome> {
  const url = new URL(target);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && isIP(host) && isForbiddenAddress(host)) {
    return Promise.resolve({ kind: 'refused', excerpt: new ForbiddenAddressError(host).message });
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        signal: options.signal,
        ...(options.allowPrivate ? {} : { lookup: checkedLookup }),
      },
      (response) => {
        let excerpt = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          excerpt += chunk;
          if (excerpt.length >= EXCERPT_LENGTH) response.destroy();
        });
        const done = () =>
          resolve({
            kind: 'answered',
            statusCode: response.statusCode ?? 0,
            excerpt: excerpt.slice(0, EXCERPT_LENGTH),
          });
        response.on('end', done);
        response.on('close', done);
      },
    );
    request.on('error', (err) => {
      if (err instanceof ForbiddenAddressError) resolve({ kind: 'refused', excerpt: err.message });
      else resolve({ kind: 'error', excerpt: `Connection failed: ${err.message}`.slice(0, EXCERPT_LENGTH) });
    });
    request.end(body);
  });
}
