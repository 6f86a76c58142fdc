/** Every error the API returns has one of these codes; the client parses the same codes. */
export const errorStatus = {
  /** The request body, query or params failed validation; `details` names the fields. */
  VALIDATION_ERROR: 400,
  /** The body is not valid JSON. */
  MALFORMED_JSON: 400,
  /** A public form was sent without a solved captcha (the `altcha` field is empty). */
  CAPTCHA_REQUIRED: 400,
  /** The captcha solution is wrong, forged, expired or already used; `details.reason` says which. */
  CAPTCHA_INVALID: 400,
  /** No valid session or API token. */
  UNAUTHENTICATED: 401,
  /** Signed in, allowed to see the subject, but not to do this. */
  FORBIDDEN: 403,
  /** A cookie-authenticated write came from another origin. */
  BAD_ORIGIN: 403,
  /** A survey answer or portal write came with a staff session of the same account: staff never act as the requester. */
  STAFF_CANNOT_ANSWER: 403,
  /** The subject does not exist or the actor may not see it. */
  NOT_FOUND: 404,
  /** The state of the subject does not allow this. */
  CONFLICT: 409,
  /** The status change is not allowed from the current status. */
  INVALID_TRANSITION: 409,
  /** The survey was answered already; answers are final. */
  ALREADY_SUBMITTED: 409,
  /** The survey's deadline passed; it can no longer be answered. */
  SURVEY_EXPIRED: 410,
  /** The survey was withdrawn because its ticket was reopened; a new one comes with the next resolution. */
  SURVEY_WITHDRAWN: 410,
  /** A survey invitation is sent again only when its delivery failed (or bounced). */
  INVITATION_NOT_FAILED: 409,
  /** The ticket is closed: requesters cannot reply to it any more. */
  TICKET_CLOSED: 409,
  /** A password reset link that is forged, used, revoked by a password change, or older than 30 minutes. */
  RESET_LINK_INVALID: 400,
  /** The IMAP mailbox could not be reached or signed in to with these settings; `details.reason` is the server's answer. */
  MAILBOX_UNREACHABLE: 400,
  /** First-run setup already happened. */
  SETUP_DONE: 409,
  /** The body is larger than the server accepts. */
  PAYLOAD_TOO_LARGE: 413,
  /** An attachment, or all attachments of one message, exceed the size limit; `details` says which (`per`: file or message) and `limitBytes`. Nothing was stored. */
  ATTACHMENT_TOO_LARGE: 413,
  /** The body's content type is not accepted. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** An uploaded image's bytes are not a PNG, JPEG, WebP or GIF, whatever its declared type. */
  NOT_AN_IMAGE: 415,
  /** Discord refused the Discord settings (bot token, application id, public key) or could not be reached; the message says exactly why. */
  DISCORD_CHECK_FAILED: 422,
  /** Too many sign-in failures for this email from this client address; `details.retryAfterSeconds`. */
  ACCOUNT_LOCKED: 429,
  /** Many sign-in failures for this email from several addresses: checks are spaced out; `details.retryAfterSeconds`. */
  SIGN_IN_SLOWED: 429,
  /** Too many requests from this client. */
  RATE_LIMITED: 429,
  /** Something broke on the server; details are in the log only. */
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get statusCode(): number {
    return errorStatus[this.code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found.`);
export const forbidden = (message = 'You do not have permission to do this.') =>
  new AppError('FORBIDDEN', message);
