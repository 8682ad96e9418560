/**
 * The request log: one line per request, written when its answer is sent, at a level that says
 * whether an operator needs it. Fastify's own log writes two lines per request ("incoming
 * request", then "request completed"), all at info, so the page's polling alone filled the log.
 *
 * - a routine read (a GET or HEAD answered below 400: the page, its assets, its polling of the
 *   API, /healthz, /readyz, /metrics): debug
 * - a write (webhooks, starts, cancels, retries, signals) and any refusal (4xx): info
 * - a server error (5xx): error, with the error behind it when there is one
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export type RequestLogLevel = 'debug' | 'info' | 'error';

export function requestLogLevel(method: string, statusCode: number): RequestLogLevel {
  if (statusCode >= 500) return 'error';
  if (statusCode >= 400) return 'info';
  return method === 'GET' || method === 'HEAD' ? 'debug' : 'info';
}

/** Errors behind 5xx answers, until their request's line is written. */
const failures = new WeakMap<FastifyRequest, Error>();

/** Keeps the error behind a 5xx answer for the request's line, rather than a line of its own. */
export function noteFailure(request: FastifyRequest, error: Error): void {
  failures.set(request, error);
}

export class OneLineRequestLog extends LogController {
  /** Nothing on arrival: the line is written on completion, with the status. */
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    // `error` is a failure while sending the answer (a broken stream): an error whatever the status.
    const err = error ?? failures.get(request);
    const level = error ? 'error' : requestLogLevel(request.method, reply.statusCode);
    reply.log[level](
      { req: request, res: reply, responseTime: reply.elapsedTime, ...(err ? { err } : {}) },
      error ? 'request errored' : 'request completed',
    );
  }
}
