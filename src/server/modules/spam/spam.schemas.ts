import { z } from 'zod';
import { text } from '../../lib/http.js';

/**
 * The honeypot's field name. Bots that fill every input fill one called "website"; people never see
 * it (the form hides it off-screen, out of the tab order, with autocomplete off).
 */
export const HONEYPOT_FIELD = 'website';

/** The widget's payload is about 700 characters; this leaves room without accepting junk. */
const MAX_PAYLOAD_LENGTH = 4000;

/** Spread into a public form's body schema: `z.object({ rating: …, ...captchaBodyFields })`. */
export const captchaBodyFields = {
  altcha: text()
    .max(MAX_PAYLOAD_LENGTH)
    .default('')
    .describe(
      'The ALTCHA widget payload for a challenge from GET /api/v1/captcha/challenge. Empty or missing (a form without JavaScript): CAPTCHA_REQUIRED.',
    ),
  [HONEYPOT_FIELD]: text()
    .max(10_000)
    .optional()
    .describe('Leave empty. A form that fills it is answered as a success and discarded.'),
} as const;

const hex = z.string().regex(/^[0-9a-f]+$/);

/** The challenge as the ALTCHA widget (v3) expects it; every signed parameter is passed through. */
export const captchaChallengeSchema = z
  .object({
    parameters: z.looseObject({
      algorithm: z.string(),
      nonce: z.string(),
      salt: z.string(),
      cost: z.number().int(),
      keyLength: z.number().int(),
      keyPrefix: z.string(),
      keySignature: z.string().optional(),
      expiresAt: z.number().int().optional().describe('Unix time in seconds.'),
    }),
    signature: z.string().optional(),
  })
  .describe('CaptchaChallenge');

export type CaptchaChallenge = z.infer<typeof captchaChallengeSchema>;

/** What the widget sends back: base64 of this JSON. Only the shape is checked here; the signature decides. */
export const captchaPayloadSchema = z.object({
  challenge: z.object({
    parameters: z.looseObject({
      algorithm: z.string().max(50),
      cost: z.number().int().positive(),
      keyLength: z.number().int().positive(),
      keyPrefix: hex.max(256),
      nonce: hex.max(128),
      salt: hex.max(128),
      expiresAt: z.number().int().positive(),
    }),
    signature: hex.max(256),
  }),
  solution: z.object({
    counter: z.number().int().nonnegative(),
    derivedKey: hex.max(256),
    time: z.number().optional(),
  }),
});

export type CaptchaPayload = z.infer<typeof captchaPayloadSchema>;
