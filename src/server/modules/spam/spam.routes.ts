import type { AppContext } from '../../app-context.js';
import { type Api, errorResponse } from '../../lib/http.js';
import { captchaChallengeSchema } from './spam.schemas.js';
import { createCaptchaChallenge } from './spam.service.js';

export function registerSpamRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/captcha/challenge',
    {
      // No credential to count per: the global limit per client address (RATE_LIMIT_PER_MINUTE), which
      // customers behind one company address share; issuing one costs an HMAC, no write.
      schema: {
        tags: ['spam'],
        summary: 'A fresh captcha challenge for the ALTCHA widget on public forms (its challenge URL).',
        security: [],
        response: { 200: captchaChallengeSchema, 429: errorResponse },
      },
    },
    async (_request, reply) => {
      reply.header('Cache-Control', 'no-store');
      return createCaptchaChallenge(ctx.db, ctx.clock, ctx.config);
    },
  );
}
