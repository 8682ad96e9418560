/**
 * Every error the HTTP API answers, by stable code, in one place (docs/errors.md describes
 * each; a test keeps the two in sync). Answers are RFC 9457 problem details
 * (`application/problem+json`) carrying the code.
 */
import type { FastifyReply } from 'fastify';

export const ERRORS = {
  AUTH_REQUIRED: { status: 401, title: 'Authentication required' },
  AUTH_INVALID: { status: 401, title: 'Invalid token' },
  WEBHOOK_SIGNATURE_MISSING: { status: 401, title: 'Webhook signature missing' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, title: 'Webhook signature invalid' },
  WEBHOOK_NOT_CONFIGURED: { status: 401, title: 'Webhook secret not configured' },
  WEBHOOK_HEADER_MISSING: { status: 400, title: 'Webhook header missing' },
  WEBHOOK_BODY_INVALID: { status: 400, title: 'Webhook body is not a valid payload' },
  WEBHOOK_PAYLOAD_INVALID: { status: 400, title: 'Webhook payload holds what no forge sends' },
  INVALID_PARAMETER: { status: 400, title: 'Invalid parameter' },
  INVALID_BODY: { status: 400, title: 'Invalid request body' },
  BODY_TOO_DEEP: { status: 400, title: 'JSON nested too deep' },
  INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  RUN_NOT_FOUND: { status: 404, title: 'Run not found' },
  NODE_NOT_FOUND: { status: 404, title: 'Node not found' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Delivery not found' },
  SCHEDULE_NOT_FOUND: { status: 404, title: 'Schedule not found' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  RUN_NOT_FINISHED: { status: 409, title: 'Run not finished' },
  RUN_NOT_RETRYABLE: { status: 409, title: 'Run cannot be retried' },
  RUN_NOT_ACTIVE: { status: 409, title: 'Run not active' },
  RUN_PRUNED: { status: 410, title: 'Run pruned' },
  BODY_TOO_LARGE: { status: 413, title: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported content type' },
  PIPELINE_INVALID: { status: 422, title: 'Pipeline invalid' },
  NOT_TRIGGERED: { status: 422, title: 'Pipeline not triggered' },
  INVALID_INPUTS: { status: 422, title: 'Inputs do not fit the pipeline' },
  PIPELINE_NOT_FOUND: { status: 422, title: 'Pipeline not found' },
  FORGE_ERROR: { status: 502, title: 'Forge request failed' },
  NOT_READY: { status: 503, title: 'Not ready' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  [extra: string]: unknown;
}

export function problem(code: ErrorCode, detail: string, extra: object = {}): Problem {
  const { status, title } = ERRORS[code];
  return { type: `https://forgeflow.dev/errors#${code}`, title, status, code, detail, ...extra };
}

export function sendProblem(
  reply: FastifyReply,
  code: ErrorCode,
  detail: string,
  extra: object = {},
): FastifyReply {
  const body = problem(code, detail, extra);
  return reply.code(body.status).type('application/problem+json').send(body);
}
