/**
 * Bearer tokens for the API: mutating calls always need the server's token, reads when the
 * operator closes them. Compared in constant time, so a wrong guess tells nothing of the token.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './errors.js';

export interface AuthSettings {
  /** The API token; null: no token is configured and every guarded call is refused. */
  token: string | null;
  /** Whether reads need the token too. */
  readsNeedToken: boolean;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A preHandler refusing a request without the right token. */
export function requireToken(settings: AuthSettings) {
  const expected = settings.token === null ? null : digest(settings.token);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    if (!header || !/^Bearer\s+\S/i.test(header)) {
      await sendProblem(reply, 'AUTH_REQUIRED', 'send Authorization: Bearer <FORGEFLOW_API_TOKEN>');
      return;
    }
    const given = digest(header.replace(/^Bearer\s+/i, '').trim());
    // Hashes have one length: timingSafeEqual compares them without leaking where they differ.
    if (expected === null || !timingSafeEqual(given, expected))
      await sendProblem(reply, 'AUTH_INVALID', 'the token is not this server’s API token');
  };
}
