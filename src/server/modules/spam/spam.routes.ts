import type { AppContext } from '../../app-context.js';
import { type Api, errorResponse } from '../../lib/http.js';
import { captchaChallengeSchema } from './spam.schemas.js';
import { createCaptchaChallenge } from './spam.service.js';

export function registerSpamRoutes(app: Api, ctx: AppContext) {
  app.get(
    '/api/v1/captcha/challenge',
    {
      // A page load or a submission needs one; a few a minute per person is plenty.
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
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
