/**
 * src/webhooks — where forges knock: `POST /webhooks/github` and `POST /webhooks/gitlab`.
 * A delivery is verified on its raw bytes (bad or missing proof: 401, nothing stored), read
 * (not UTF-8, not JSON, nested too deep, or holding what no forge sends: 400, nothing
 * stored), normalized and handed to intake, which answers at once; what it starts is the plan
 * run's business. Events that start nothing still get a 2xx: GitLab disables hooks that keep
 * failing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { sendProblem } from '../contracts/problems.js';
import { githubSignatureMatches } from './github-verify.js';
import { checkSignature, sameSecret } from './gitlab-verify.js';
import { acceptDelivery, DELIVERY_ID, EVENT_NAME, type IntakeDeps } from './intake.js';
import { keepRawBodies, parsePayload } from './raw-body.js';

export interface WebhookSettings {
  /** GitHub's webhook secret (HMAC-SHA256 of the body). */
  githubSecret: string | null;
  /** GitLab's secret token (X-Gitlab-Token). */
  gitlabToken: string | null;
  /** GitLab's signing token (`whsec_…`), when the hook is set to sign. */
  gitlabSigningToken: string | null;
  /** Largest body accepted; GitHub caps its payloads at 25 MB. */
  bodyLimit: number;
}

export const DEFAULT_BODY_LIMIT = 25 * 1024 * 1024;

/** The bytes as sent; a request without a body has none (and then no valid signature). */
function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function webhookRoutes(
  settings: WebhookSettings,
  deps: IntakeDeps,
  metrics?: { delivery(forge: string, outcome: string): void },
) {
  const githubSecret = settings.githubSecret;
  return (app: FastifyInstance): Promise<void> => {
    keepRawBodies(app, settings.bodyLimit);

    app.post('/webhooks/github', async (request, reply) => {
      const raw = rawBody(request);
      const signature = header(request, 'x-hub-signature-256');
      if (githubSecret === null)
        return sendProblem(
          reply,
          'WEBHOOK_NOT_CONFIGURED',
          'set GITHUB_WEBHOOK_SECRET to receive GitHub webhooks',
        );
      if (!signature)
        return sendProblem(reply, 'WEBHOOK_SIGNATURE_MISSING', 'X-Hub-Signature-256 is required');
      if (!githubSignatureMatches(raw, signature, githubSecret))
        return sendProblem(
          reply,
          'WEBHOOK_SIGNATURE_INVALID',
          'X-Hub-Signature-256 does not match the body',
        );
      const eventName = header(request, 'x-github-event');
      const deliveryId = header(request, 'x-github-delivery');
      if (!eventName || !EVENT_NAME.test(eventName) || !deliveryId || !DELIVERY_ID.test(deliveryId))
        return sendProblem(
          reply,
          'WEBHOOK_HEADER_MISSING',
          'X-GitHub-Event and X-GitHub-Delivery (letters, digits, ".", "_", ":", "-") are required',
        );
      return accept(reply, raw, request, { forge: 'github', deliveryId, eventName });
    });

    app.post('/webhooks/gitlab', async (request, reply) => {
      const raw = rawBody(request);
      if (settings.gitlabToken === null && settings.gitlabSigningToken === null)
        return sendProblem(
          reply,
          'WEBHOOK_NOT_CONFIGURED',
          'set GITLAB_WEBHOOK_TOKEN to receive GitLab webhooks',
        );
      if (settings.gitlabToken !== null) {
        const token = header(request, 'x-gitlab-token');
        if (!token)
          return sendProblem(reply, 'WEBHOOK_SIGNATURE_MISSING', 'X-Gitlab-Token is required');
        if (!sameSecret(token, settings.gitlabToken))
          return sendProblem(reply, 'WEBHOOK_SIGNATURE_INVALID', 'X-Gitlab-Token does not match');
      }
      if (settings.gitlabSigningToken !== null) {
        const problem = checkSignature(
          {
            id: header(request, 'webhook-id'),
            timestamp: header(request, 'webhook-timestamp'),
            signature: header(request, 'webhook-signature'),
          },
          raw,
          settings.gitlabSigningToken,
          deps.clock.now(),
        );
        if (problem) return sendProblem(reply, 'WEBHOOK_SIGNATURE_INVALID', problem);
      }
      const eventName = header(request, 'x-gitlab-event') ?? '';
      // Idempotency-Key is kept across retries (GitLab 17.4+); older GitLab: the event UUID,
      // shared by recursive hooks, so the hook and the body tell those apart.
      const idempotency = header(request, 'idempotency-key');
      const eventUuid = header(request, 'x-gitlab-event-uuid');
      const deliveryId =
        idempotency ??
        (eventUuid
          ? `${eventUuid}:${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`
          : `body-${createHash('sha256').update(raw).digest('hex')}`);
      if (!DELIVERY_ID.test(deliveryId) || !EVENT_NAME.test(eventName))
        return sendProblem(
          reply,
          'WEBHOOK_HEADER_MISSING',
          'Idempotency-Key must be letters, digits, ".", "_", ":", "-"',
        );
      return accept(reply, raw, request, { forge: 'gitlab', deliveryId, eventName });
    });
    return Promise.resolve();
  };

  async function accept(
    reply: FastifyReply,
    raw: Buffer,
    request: FastifyRequest,
    input: { forge: 'github' | 'gitlab'; deliveryId: string; eventName: string },
  ): Promise<FastifyReply> {
    const parsed = parsePayload(raw, header(request, 'content-type'));
    if (!parsed.ok) return sendProblem(reply, parsed.code, parsed.detail);
    const accepted = await acceptDelivery(deps, { ...input, payload: parsed.payload });
    if ('refused' in accepted) {
      metrics?.delivery(input.forge, 'refused');
      return sendProblem(reply, 'WEBHOOK_PAYLOAD_INVALID', accepted.refused);
    }
    if (accepted.substituted)
      request.log.info(
        { delivery: accepted.delivery, substituted: accepted.substituted },
        'webhook payload stored with U+FFFD for NULs and unpaired surrogates',
      );
    metrics?.delivery(input.forge, accepted.duplicate ? 'duplicate' : accepted.outcome);
    return reply.code(accepted.outcome === 'ignored' ? 200 : 202).send(accepted);
  }
}
