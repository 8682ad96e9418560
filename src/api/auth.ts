/**
 * Bearer tokens for the API: mutating calls always need the server's token, reads when the
 * operator closes them. Compared in constant time, so a wrong guess tells nothing of the token.
 * Checked in one `onRequest` hook for every path under /api/, before the body is read or any
 * parameter validated: a caller without the token learns nothing of the API's shape (no 400
 * naming a field, no 415, no 404 telling routes apart).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../contracts/problems.js';

export interface AuthSettings {
  /** The API token; null: no token is configured and every guarded call is refused. */
  token: string | null;
  /** Whether reads need the token too. */
  readsNeedToken: boolean;
}

/** What a route under /api/ needs; by default GET and HEAD read, other methods write. */
export type Access = 'read' | 'write';

/** Answers 401 (and so ends the request) unless the request may go on. */
export type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** For a POST that only reads (validate): `read`. */
    access?: Access;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A hook refusing a request without the right token. */
export function requireToken(settings: AuthSettings): Guard {
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

/** What a request needs: null outside /api/ (webhooks prove themselves; the page and docs are open). */
export function accessOf(request: FastifyRequest): Access | null {
  const path = request.routeOptions.url ?? request.url.split('?', 1)[0] ?? '';
  if (!path.startsWith('/api/')) return null;
  const declared = request.routeOptions.config.access;
  if (declared !== undefined) return declared;
  return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/** The `onRequest` hook applying the `read` or `write` guard to every request under /api/. */
export function authFirst(guards: Record<Access, Guard>): Guard {
  return async (request, reply) => {
    const access = accessOf(request);
    if (access !== null) await guards[access](request, reply);
  };
}
