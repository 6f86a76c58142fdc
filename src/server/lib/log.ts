import type { FastifyRequest } from 'fastify';

const REDACTED = '[redacted]';

/**
 * Paths whose next segment is a secret: survey and portal links, their APIs, customer sign-in
 * links and password reset links. The secret is replaced, the rest of the path kept.
 */
const SECRET_PATHS: RegExp[] = [
  /^(\/s\/)[^/?#]+/,
  /^(\/p\/)[^/?#]+/,
  /^(\/api\/v1\/surveys\/)[^/?#]+/,
  /^(\/api\/v1\/portal\/)(?!accounts\/)[^/?#]+/,
  /^(\/portal\/[^/?#]+\/sign-in\/)[^/?#]+/,
  /^(\/app\/reset-password\/)[^/?#]+/,
];

/** Query parameters that may carry a secret, by name. */
const SECRET_PARAM = /token|secret|password|key|code|sig/i;

/** The URL as it may be logged: secret path segments and secret-looking query values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  for (const pattern of SECRET_PATHS) path = path.replace(pattern, `$1${REDACTED}`);
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0] ?? '';
      return SECRET_PARAM.test(decodeURIComponentSafe(name)) ? `${name}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

const decodeURIComponentSafe = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Error fields safe to log. Not `params`, `query` or PostgreSQL's `detail`: they carry row values. */
const SAFE_ERROR_FIELDS = ['code', 'statusCode', 'constraint', 'table', 'column', 'severity', 'routine'];

/** Drizzle's query errors put the parameters into the message (and so the stack) too. */
const withoutParams = (text: string) =>
  text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, `\nparams: ${REDACTED}`);

type LoggedError = Record<string, unknown> & { type: string; message: string; stack: string };

/** An error as logged: its type, message and stack without parameters, safe fields, and its causes. */
export function serializeError(err: Error, depth = 0): LoggedError {
  const out: LoggedError = {
    type: err.constructor.name,
    message: withoutParams(err.message),
    stack: withoutParams(err.stack ?? ''),
  };
  for (const field of SAFE_ERROR_FIELDS) {
    const value = (err as unknown as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  if (err.cause instanceof Error && depth < 5) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** Fastify's request log line, with the URL redacted (Fastify hands the serializer its request). */
const serializeRequest = (request: FastifyRequest) => {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
};

/** pino serializers for the app's logger: no secret link and no SQL parameter reaches the log. */
export const logSerializers = { req: serializeRequest, err: (err: Error) => serializeError(err) };
