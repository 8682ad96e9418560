/**
 * What fastify's router refuses before any route or hook sees the request (a path that is not
 * valid percent-encoded UTF-8, a path parameter over the router's length limit) leaves as a
 * problem document too, and under /api/ only after the token check, like every other answer.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Access, Guard } from './auth.js';
import { sendProblem } from '../contracts/problems.js';

const WHY: Record<string, string> = {
  FST_ERR_BAD_URL: 'the path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than any id this API knows',
};

export function frameworkErrors(guards: Record<Access, Guard>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    void (async () => {
      const path = request.url.split('?', 1)[0] ?? '';
      if (path.startsWith('/api/')) {
        const access = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
        await guards[access](request, reply);
        if (reply.sent) return;
      }
      await sendProblem(reply, 'INVALID_PARAMETER', WHY[error.code] ?? error.message);
    })();
  };
}
