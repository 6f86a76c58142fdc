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
import { AppError } from './errors.js';

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

const NUL = '\u0000';
export const NUL_MESSAGE = 'Remove the NUL character (U+0000): text cannot hold it.';

/**
 * Every text field of a request (body, query, params) starts here. PostgreSQL text cannot hold a NUL
 * character, so one is refused at validation, with the field's name, rather than failing in the
 * database; nothing is stripped silently. `error` replaces the message for a missing or non-text value.
 */
export const text = (error?: string) =>
  z.string(error === undefined ? undefined : { error }).refine((s) => !s.includes(NUL), NUL_MESSAGE);

/** A PATCH body must change something: `{}` is refused, naming the fields it can carry. */
export const nonEmptyPatch = <T extends z.ZodObject>(schema: T) =>
  schema.refine((body) => Object.values(body).some((v) => v !== undefined), {
    message: `Nothing to change: give at least one of ${Object.keys(schema.shape).join(', ')}.`,
  });

/**
 * The body parser of HTML forms (application/x-www-form-urlencoded). A field sent twice is refused
 * with its name: no form of ours repeats a field, and a list must never reach code that expects one
 * value. The fields then go through the same Zod schema as the route's JSON body.
 */
export function parseFormBody(body: string): Record<string, string> {
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    if (Object.hasOwn(fields, name)) {
      throw new AppError('VALIDATION_ERROR', `The form field "${name}" was sent more than once.`, [
        { field: name, in: 'body', message: 'Sent more than once.' },
      ]);
    }
    fields[name] = value;
  }
  return fields;
}

/** What the person typed in a form field, to show it again with a refusal ('' when it is not text). */
export const typedText = (body: unknown, name: string): string => {
  const value =
    body && typeof body === 'object' && Object.hasOwn(body, name)
      ? (body as Record<string, unknown>)[name]
      : undefined;
  return typeof value === 'string' ? value : '';
};

/** The message a refused form shows: the first problem, in the words its schema gives. */
export const firstProblem = (error: z.ZodError) =>
  error.issues[0]?.message ?? 'Check the form and send it again.';

/** A yes/no field: a JSON boolean, or "true"/"false" as form fields send it. */
export const formBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

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
