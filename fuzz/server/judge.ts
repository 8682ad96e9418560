/**
 * Judging one answer of the server against what the case expects of it. A 5xx (or a 5xx when
 * reading back what a delivery stored) is always a finding; then a refusal that wrote rows,
 * a correctly signed delivery refused as unsigned, a write taken without the token, a guarded
 * read answered before the token was asked for, a forge path outside the repository, an error
 * that is not a problem document, and diagnostics that break their contract.
 */
import { kindOf, type Verdict } from '../outcomes.js';
import type { HttpAnswer } from './setup.js';

export interface Expectations {
  /** The delivery is signed (or its token given) exactly as the forge would. */
  signed?: boolean;
  /** An /api/v1 call that changes something. */
  writes?: boolean;
  /** The request carries `Authorization: Bearer <the token>`. */
  tokenValid?: boolean;
  /**
   * A known /api/v1 route, surely matched (valid path parameters), on the server whose reads
   * need the token: anything past reading the request (validating its query, its parameters,
   * running the handler) must wait for the token.
   */
  guardedRoute?: boolean;
}

/**
 * Refusals that may come before the token is looked at: no route, and the body not readable
 * (too large, an unknown type, not JSON: body parsing precedes fastify's hooks for validation).
 */
const BEFORE_AUTH = new Set([
  'NOT_FOUND',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INVALID_BODY',
]);

/** A forge path climbing out of where it was sent (`..` in any decoded segment). */
function escapes(request: string): boolean {
  const [, , path = ''] = request.split(' ');
  return path
    .split('/')
    .flatMap((segment) => {
      try {
        return decodeURIComponent(segment).split('/');
      } catch {
        return [segment];
      }
    })
    .some((part) => part === '..');
}

const isProblem = (answer: HttpAnswer) => answer.contentType.startsWith('application/problem+json');

function described(answer: HttpAnswer): string {
  const forge =
    answer.forgeRequests.length > 0 ? ` (forge: ${answer.forgeRequests.join('; ')})` : '';
  const head = `${answer.status}${answer.code ? ` ${answer.code}` : ''}: ${answer.detail}${forge}`;
  return answer.serverErrors.length > 0
    ? `${head}\n  server log: ${answer.serverErrors.join('\n  server log: ')}`
    : head;
}

/** A 5xx's class: the error the server logged (a database error code and message), or its code. */
function serverErrorKind(answer: HttpAnswer): string {
  const logged = answer.serverErrors[0]?.replace(/^request failed:\s*/, '');
  return logged ? kindOf(logged) : (answer.code ?? String(answer.status));
}

export function judgeHttp(expect: Expectations, answer: HttpAnswer): Verdict {
  const { status } = answer;
  const code = answer.code ?? String(status);
  if (status >= 500)
    return { outcome: '5xx', detail: described(answer), kind: serverErrorKind(answer) };
  if (answer.readBackFailure !== null)
    return {
      outcome: '5xx',
      detail: `accepted (${status}), then reading it back: ${answer.readBackFailure}`,
      kind: `reading back: ${kindOf(answer.readBackFailure.replace(/^GET \S+: /, ''))}`,
    };
  if (status >= 400 && answer.rowsChanged.length > 0)
    return {
      outcome: '4xx-left-rows',
      detail: `${described(answer)}; rows in ${answer.rowsChanged.join(', ')}`,
      kind: code,
    };
  if (expect.signed && status === 401)
    return { outcome: 'signed-but-401', detail: described(answer) };
  if (expect.writes && !expect.tokenValid && status < 400)
    return { outcome: 'write-without-token', detail: described(answer) };
  if (
    expect.guardedRoute &&
    !expect.tokenValid &&
    status !== 401 &&
    !(answer.code !== null && BEFORE_AUTH.has(answer.code)) &&
    answer.code?.startsWith('FST_') !== true
  )
    return { outcome: 'read-without-token-not-401', detail: described(answer), kind: code };
  const escaped = answer.forgeRequests.find(escapes);
  if (escaped)
    return { outcome: 'forge-path-escape', detail: escaped, kind: escaped.split(' ')[0] ?? '' };
  if (status >= 400 && !isProblem(answer))
    return {
      outcome: 'not-problem-json',
      detail: `${status} as ${answer.contentType || 'no content type'}: ${answer.detail}`,
      kind: `${status} ${kindOf(/"code":"([^"]+)"/.exec(answer.detail)?.[1] ?? '')}`,
    };
  if (answer.badDiagnostic) return answer.badDiagnostic;
  return { outcome: status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx' };
}
