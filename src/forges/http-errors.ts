/**
 * HTTP outcomes of forge API calls → `HandlerError`s the runtime's retry policy understands:
 * network failures, timeouts and 5xx retry (`ForgeUnavailable`); rate limits retry no sooner
 * than the forge asks (`RateLimited`); 401/403 (`ForgeAuthError`) and other 4xx
 * (`ForgeRequestError`) fail for good. Messages name the request (forge, method, path, status)
 * and never carry a credential: the path holds none, and forge text is scrubbed of known tokens.
 */
import { FORGES, type Forge } from '../events/forges.js';
import { HandlerError } from '../contracts/errors.js';
import type { Deadline } from './deadline.js';
import { causeCode } from '../contracts/cause-code.js';

/** Error `type`s these clients throw (what `non_retryable_errors` may name). */
export const FORGE_ERRORS = {
  unavailable: 'ForgeUnavailable',
  rateLimited: 'RateLimited',
  auth: 'ForgeAuthError',
  request: 'ForgeRequestError',
  badResponse: 'ForgeBadResponse',
  tooLarge: 'ForgeFileTooLarge',
  notConfigured: 'NotConfigured',
  aborted: 'Aborted',
} as const;

/** What to wait for when a forge rate-limits without saying how long (GitHub: "at least one minute"). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const FORGE_TEXT_CHARS = 300;
const REDACTED = '[REDACTED]';

export interface HeaderReader {
  get(name: string): string | null;
}

export interface RequestLabel {
  forge: Forge;
  method: string;
  /** Path and query as sent, without the base URL. */
  path: string;
}

export interface HttpFailure extends RequestLabel {
  status: number;
  headers: HeaderReader;
  /** The forge's own explanation (the `message` of its error body), if any. */
  forgeMessage?: string | undefined;
}

export function forgeName(forge: Forge): string {
  return FORGES[forge].title;
}

export function describeRequest(label: RequestLabel): string {
  return `${forgeName(label.forge)} ${label.method} ${label.path}`;
}

/** A response with status ≥ 400 that the caller did not expect (a 404 that means "none" is handled before). */
export function httpError(
  failure: HttpFailure,
  now: () => number,
  secrets: readonly string[] = [],
): HandlerError {
  const { status, headers } = failure;
  const said =
    failure.forgeMessage === undefined || failure.forgeMessage === ''
      ? ''
      : `: ${scrub(failure.forgeMessage, secrets).slice(0, FORGE_TEXT_CHARS)}`;
  const message = `${describeRequest(failure)} answered ${status}${said}`;
  const details = {
    forge: failure.forge,
    method: failure.method,
    path: failure.path,
    status,
  };
  const exhausted = headers.get('x-ratelimit-remaining') === '0';
  if (status === 429 || (status === 403 && (exhausted || headers.get('retry-after') !== null))) {
    const retryAfterMs = retryAfter(headers, now) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new HandlerError(FORGE_ERRORS.rateLimited, message, { retryAfterMs, details });
  }
  if (status === 408 || status >= 500) {
    // Only the forge's own Retry-After: the quota's reset time says nothing about an outage.
    const retryAfterMs = retryAfter(headers, now, false);
    return new HandlerError(FORGE_ERRORS.unavailable, message, { retryAfterMs, details });
  }
  if (status === 401 || status === 403) {
    return new HandlerError(FORGE_ERRORS.auth, message, { nonRetryable: true, details });
  }
  return new HandlerError(FORGE_ERRORS.request, message, { nonRetryable: true, details });
}

/** No response at all: the caller gave up, the deadline passed, or the network failed. */
export function requestFailed(
  label: RequestLabel,
  deadline: Deadline,
  error: unknown,
): HandlerError {
  if (error instanceof HandlerError) return error;
  const shown = describeRequest(label);
  if (deadline.callerAborted()) {
    const reason = deadline.signal.reason as unknown;
    const why =
      typeof reason === 'string' ? reason : reason instanceof Error ? reason.message : undefined;
    return new HandlerError(
      FORGE_ERRORS.aborted,
      `${shown} aborted${why === undefined ? '' : `: ${why}`}`,
      { details: { ...label } },
    );
  }
  if (deadline.expired()) {
    return new HandlerError(
      FORGE_ERRORS.unavailable,
      `${shown} timed out after ${deadline.timeoutMs} ms`,
      { details: { ...label, timeout_ms: deadline.timeoutMs } },
    );
  }
  const code = causeCode(error);
  const text = code ?? (error instanceof Error ? error.message : String(error));
  return new HandlerError(FORGE_ERRORS.unavailable, `${shown} failed: ${text}`, {
    details: { ...label, code: code ?? null },
    cause: error,
  });
}

/** A 2xx whose body is not what the forge documents (a proxy's page, a truncated answer). */
export function badResponse(label: RequestLabel, what: string): HandlerError {
  return new HandlerError(FORGE_ERRORS.badResponse, `${describeRequest(label)}: ${what}`, {
    details: { ...label },
  });
}

/** A config file bigger than the client reads: not retried, and it says which. */
export function fileTooLarge(repo: string, path: string, ref: string, max: number): HandlerError {
  return new HandlerError(
    FORGE_ERRORS.tooLarge,
    `${repo}: ${path} at ${ref} is larger than ${max} bytes`,
    {
      nonRetryable: true,
      details: { repo, path, ref },
    },
  );
}

export function notConfigured(message: string): HandlerError {
  return new HandlerError(FORGE_ERRORS.notConfigured, message, { nonRetryable: true });
}

/**
 * How long the forge asks us to wait: `Retry-After` (seconds or an HTTP date), else, for an
 * exhausted quota (`quotaReset`), its reset time (`X-RateLimit-Reset` on GitHub,
 * `RateLimit-Reset` on GitLab: epoch seconds).
 */
export function retryAfter(
  headers: HeaderReader,
  now: () => number,
  quotaReset = true,
): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value !== undefined && value !== '') {
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, at - now());
  }
  if (!quotaReset) return undefined;
  for (const name of ['x-ratelimit-reset', 'ratelimit-reset']) {
    const reset = headers.get(name)?.trim();
    if (reset !== undefined && /^\d+$/.test(reset)) {
      return Math.max(0, Number(reset) * 1000 - now());
    }
  }
  return undefined;
}

export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce(
    (result, secret) => (secret.length >= 4 ? result.replaceAll(secret, REDACTED) : result),
    text,
  );
}
