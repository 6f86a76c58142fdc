import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** The Fastify instance routes are registered on: Zod schemas give validation, types and OpenAPI. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const errorResponse = z
  .object({
    error: z.object({
      code: z.string().describe('A stable SCREAMING_SNAKE code.'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .describe('Error');

/** The error responses every authenticated route may give. */
export const errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  429: errorResponse,
} as const;

export const uuidParam = <K extends string>(name: K) =>
  z.object({ [name]: z.uuid() } as Record<K, z.ZodUUID>);

/** A session cookie (staff or portal): httpOnly, SameSite=Lax, Secure over HTTPS, for the whole site. */
export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  name: string,
  session: { token: string; expiresAt: Date },
) {
  reply.setCookie(name, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.protocol === 'https',
    path: '/',
    expires: session.expiresAt,
  });
}
