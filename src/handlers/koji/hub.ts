/**
 * Koji's hub: XML-RPC calls, anonymous or in a session. A session comes from `sslLogin` at
 * `<hub>/ssllogin`, which the hub grants to the TLS client certificate (FORGEFLOW_KOJI_CERT);
 * later calls carry its id, key and a call number that must grow, in Koji-Session-* headers,
 * and, for a hub that did not say it reads headers (`header-auth`), as query parameters too.
 * Calls of a session go one at a time, so their numbers reach the hub in order. Kerberos
 * (`gssapi_login`) is not supported: this machine has no KDC to test it against.
 *
 * Outcomes: no answer, a timeout, 408/5xx, and the faults ServerOffline and RetryError are
 * `KojiUnavailable` (retried); AuthError and its kin, and ActionNotAllowed, `KojiAuthError`;
 * other faults `KojiFault`; anything that is not a bounded XML-RPC answer `KojiBadResponse`.
 * The session key never appears in a message.
 */
import { HandlerError } from '../../contracts/errors.js';
import { causeCode } from '../../contracts/cause-code.js';
import { deadline, DEFAULT_TIMEOUT_MS } from '../../forges/deadline.js';
import { scrub } from '../../forges/http-errors.js';
import { postXml, type TlsMaterial } from './transport.js';
import { decodeMethodResponse, XmlRpcParseError, type XmlRpcFault } from './xmlrpc-decode.js';
import { encodeMethodCall, kwargs, type XmlRpcValue } from './xmlrpc-encode.js';

/** A hub's answers are small (task infos, build lists); a bigger one is not the hub. */
export const KOJI_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const FAULT_TEXT_CHARS = 500;

/** Koji's fault codes (koji/__init__.py) forgeflow tells apart. */
export const KOJI_FAULTS = {
  AuthError: 1002,
  ActionNotAllowed: 1004,
  AuthLockError: 1006,
  AuthExpired: 1007,
  SequenceError: 1008,
  RetryError: 1009,
  ServerOffline: 1014,
  GSSAPIAuthError: 1023,
} as const;
const AUTH_FAULTS = new Set<number>([
  KOJI_FAULTS.AuthError,
  KOJI_FAULTS.ActionNotAllowed,
  KOJI_FAULTS.AuthLockError,
  KOJI_FAULTS.AuthExpired,
  KOJI_FAULTS.SequenceError,
  KOJI_FAULTS.GSSAPIAuthError,
]);
/** A session the hub forgot or that went out of step: log in again once. */
const RELOGIN_FAULTS = new Set<number>([KOJI_FAULTS.AuthExpired, KOJI_FAULTS.SequenceError]);

interface Session {
  id: number;
  key: string;
  callnum: number;
  headerAuth: boolean;
}

export interface KojiHubOptions {
  timeoutMs?: number;
  /** The CA, and the client certificate when `identity`; read when first needed. */
  tls: (identity: boolean) => TlsMaterial;
  /** Why a login cannot happen (no certificate configured), or null. */
  cannotLogin: () => string | null;
}

export class KojiFaultError extends HandlerError {}

export class KojiHub {
  private session: Session | null = null;
  private loggingIn: Promise<Session> | null = null;
  /** Session calls, one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly url: string,
    private readonly options: KojiHubOptions,
  ) {}

  /** A call needing no login (reads). */
  call(method: string, params: XmlRpcValue[], signal?: AbortSignal): Promise<unknown> {
    return this.send(method, params, null, signal);
  }

  /** A call in the session, logging in first when there is none (or it expired). */
  callLoggedIn(method: string, params: XmlRpcValue[], signal?: AbortSignal): Promise<unknown> {
    const run = async (): Promise<unknown> => {
      const session = await this.login(signal);
      try {
        return await this.send(method, params, session, signal);
      } catch (error) {
        if (!(error instanceof KojiFaultError) || !RELOGIN_FAULTS.has(faultCodeOf(error)))
          throw error;
        if (this.session === session) this.session = null;
        return this.send(method, params, await this.login(signal), signal);
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private login(signal?: AbortSignal): Promise<Session> {
    if (this.session !== null) return Promise.resolve(this.session);
    const missing = this.options.cannotLogin();
    if (missing !== null) return Promise.reject(notConfiguredLogin(missing));
    this.loggingIn ??= this.send(
      'sslLogin',
      [kwargs({ proxyuser: null })],
      null,
      signal,
      '/ssllogin',
    )
      .then((answer) => {
        const session = sessionOf(answer);
        this.session = session;
        return session;
      })
      .finally(() => {
        this.loggingIn = null;
      });
    return this.loggingIn;
  }

  private async send(
    method: string,
    params: XmlRpcValue[],
    session: Session | null,
    signal: AbortSignal | undefined,
    path = '',
  ): Promise<unknown> {
    const url = new URL(`${this.url}${path}`);
    const headers: Record<string, string> = {};
    const secrets: string[] = [];
    if (session !== null) {
      const callnum = session.callnum++;
      headers['koji-session-id'] = String(session.id);
      headers['koji-session-key'] = session.key;
      headers['koji-session-callnum'] = String(callnum);
      if (!session.headerAuth) {
        url.searchParams.set('session-id', String(session.id));
        url.searchParams.set('session-key', session.key);
        url.searchParams.set('callnum', String(callnum));
      }
      secrets.push(session.key, encodeURIComponent(session.key));
    }
    const shown = `Koji ${method}`;
    const limits = deadline(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal);
    let answer;
    try {
      answer = await postXml({
        url,
        body: encodeMethodCall(method, params),
        headers,
        // Anonymous calls present no client certificate, only the CA to check the hub with.
        tls: this.options.tls(session !== null || path !== ''),
        maxBytes: KOJI_MAX_RESPONSE_BYTES,
        signal: limits.signal,
      });
    } catch (error) {
      if (error instanceof HandlerError) throw error;
      if (limits.callerAborted()) throw new HandlerError('Aborted', `${shown} aborted`);
      const what = limits.expired()
        ? `timed out after ${limits.timeoutMs} ms`
        : `failed: ${causeCode(error) ?? (error instanceof Error ? error.message : String(error))}`;
      throw new HandlerError('KojiUnavailable', `${shown} ${what}`, {
        details: { method, code: causeCode(error) ?? null },
      });
    }
    const details = { method, status: answer.status };
    if (answer.status === 408 || answer.status >= 500 || answer.status === 429)
      throw new HandlerError('KojiUnavailable', `${shown} answered ${answer.status}`, { details });
    if (answer.status < 200 || answer.status >= 300)
      throw new HandlerError('KojiFault', `${shown} answered ${answer.status}`, {
        details,
        nonRetryable: true,
      });
    if (answer.truncated)
      throw new HandlerError(
        'KojiBadResponse',
        `${shown} answered more than ${KOJI_MAX_RESPONSE_BYTES} bytes`,
        { details },
      );
    let decoded;
    try {
      decoded = decodeMethodResponse(answer.text);
    } catch (error) {
      if (!(error instanceof XmlRpcParseError)) throw error;
      throw new HandlerError(
        'KojiBadResponse',
        `${shown} answered with something that is not an XML-RPC response: ${error.message}`,
        { details },
      );
    }
    if (!decoded.ok) throw faultError(shown, decoded.fault, secrets);
    return decoded.value;
  }
}

function faultError(shown: string, fault: XmlRpcFault, secrets: string[]): KojiFaultError {
  const text = scrub(fault.faultString, secrets).slice(0, FAULT_TEXT_CHARS);
  const message = `${shown} failed: ${text} (fault ${fault.faultCode})`;
  const details = { fault_code: fault.faultCode };
  if (fault.faultCode === KOJI_FAULTS.ServerOffline || fault.faultCode === KOJI_FAULTS.RetryError)
    return new KojiFaultError('KojiUnavailable', message, { details });
  if (AUTH_FAULTS.has(fault.faultCode))
    return new KojiFaultError(
      'KojiAuthError',
      `${message}; check FORGEFLOW_KOJI_CERT (and FORGEFLOW_KOJI_KEY) and that the account may do this`,
      { details, nonRetryable: true },
    );
  return new KojiFaultError('KojiFault', message, { details, nonRetryable: true });
}

function faultCodeOf(error: KojiFaultError): number {
  const details = error.details as { fault_code?: unknown } | undefined;
  return typeof details?.fault_code === 'number' ? details.fault_code : 0;
}

function sessionOf(answer: unknown): Session {
  const record = (answer ?? {}) as Record<string, unknown>;
  const id = record['session-id'];
  const key = record['session-key'];
  if (typeof id !== 'number' || typeof key !== 'string' || key === '')
    throw new HandlerError('KojiAuthError', 'Koji sslLogin gave no session', {
      nonRetryable: true,
    });
  return { id, key, callnum: 0, headerAuth: record['header-auth'] === true };
}

function notConfiguredLogin(missing: string): HandlerError {
  return new HandlerError('NotConfigured', missing, { nonRetryable: true });
}
