/**
 * Every error the HTTP API answers, by stable code, in one place (docs/errors.md describes
 * each; a test keeps the two in sync). Answers are RFC 9457 problem details
 * (`application/problem+json`) carrying the code.
 */
import type { FastifyReply } from 'fastify';

export const ERRORS = {
  WEBHOOK_SIGNATURE_MISSING: { status: 401, title: 'Webhook signature missing' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'Webhook signature invalid' },
  WEBHOOK_NOT_CONFIGURED: { status: 401, title: 'Webhook secret not configured' },
  WEBHOOK_HEADER_MISSING: { status: 400, title: 'Webhook header missing' },
  WEBHOOK_BODY_INVALID: { status: 400, title: 'Webhook body is not a valid payload' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
}

export function problem(code: ErrorCode, detail: string): Problem {
  const { status, title } = ERRORS[code];
  return { type: `https://forgeflow.dev/errors#${code}`, title, status, code, detail };
}

export function sendProblem(reply: FastifyReply, code: ErrorCode, detail: string): FastifyReply {
  const body = problem(code, detail);
  return reply.code(body.status).type('application/problem+json').send(body);
}
