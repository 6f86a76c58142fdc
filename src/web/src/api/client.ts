import { t } from '../lib/i18n';

/** The API's one error shape, parsed: `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Drops empty values so that an unset filter is simply absent from the URL. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is (a file), with its own content type. */
  raw?: Blob;
  /** Sent as multipart/form-data (the browser sets the boundary): text fields first, then files. */
  form?: FormData;
}

/** Calls the API with the session cookie; resolves the JSON body (undefined for 204) or throws an ApiError. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw) {
    headers['content-type'] = options.raw.type || 'application/octet-stream';
    body = options.raw;
  } else if (options.form) {
    body = options.form;
  }
  let response: Response;
  try {
    response = await fetch(withQuery(`/api/v1${path}`, options.query), {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', t('error.network'));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page, say): reported below with the status.
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'HTTP_ERROR',
      error?.message ?? t('error.status', { status: response.status }),
      error?.details,
    );
  }
  return parsed as T;
}

export const isUnauthenticated = (error: unknown): boolean =>
  error instanceof ApiError && error.status === 401;

/** A readable sentence for any error, naming the invalid fields when the API listed them. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : t('error.unknown');
  if (error.code === 'VALIDATION_ERROR' && Array.isArray(error.details)) {
    const fields = (error.details as { field?: string; message?: string }[])
      .map((d) => (d.field ? `${d.field}: ${d.message ?? t('error.invalidField')}` : d.message))
      .filter(Boolean);
    if (fields.length) return `${error.message} (${fields.join('; ')})`;
  }
  return error.message;
}
