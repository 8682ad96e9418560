/**
 * src/webhooks — where forges knock: `POST /webhooks/<forge>`, one route per forge adapter
 * (`/webhooks/github`, `/webhooks/gitlab`). A delivery is verified on its raw bytes (bad or missing proof: 401, nothing stored), read
 * (not UTF-8, not JSON, nested too deep, or holding what no forge sends: 400, nothing
 * stored), normalized and handed to intake, which answers at once; what it starts is the plan
 * run's business. Events that start nothing still get a 2xx: GitLab disables hooks that keep
 * failing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../contracts/problems.js';
import type { Forge } from '../events/forges.js';
import { forgeAdapters, type WebhookSecrets } from '../forges/adapters.js';
import { acceptDelivery, type IntakeDeps } from './intake.js';
import { keepRawBodies, parsePayload } from './raw-body.js';

/** Every forge's webhook secrets (GitHub's HMAC key, GitLab's tokens), and the body limit. */
export type WebhookSettings = WebhookSecrets & {
  /** Largest body accepted; GitHub caps its payloads at 25 MB. */
  bodyLimit: number;
};

export const DEFAULT_BODY_LIMIT = 25 * 1024 * 1024;

/** The bytes as sent; a request without a body has none (and then no valid signature). */
function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Counts each delivery by what it came to: intake's outcome (`planning`, `ignored`), a
 * redelivery (`duplicate`), or a refusal: no valid proof or a forge header missing (`unverified`), a body too large
 * (`too_large`) or not a payload (`unreadable`), one no forge could have sent (`refused`).
 */
export interface DeliveryCounter {
  delivery(forge: Forge, outcome: string): void;
}

export function webhookRoutes(
  settings: WebhookSettings,
  deps: IntakeDeps,
  metrics?: DeliveryCounter,
) {
  return (app: FastifyInstance): Promise<void> => {
    keepRawBodies(app, settings.bodyLimit);
    // One route per forge, from its adapter: its proof, its delivery id and event name.
    for (const adapter of forgeAdapters())
      app.post(
        `/webhooks/${adapter.forge}`,
        {
          // A body over the limit is refused before the handler runs.
          onError: (_request, _reply, error, done) => {
            if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE')
              metrics?.delivery(adapter.forge, 'too_large');
            done();
          },
        },
        async (request, reply) => {
          const raw = rawBody(request);
          const checked = adapter.webhook.check(
            { raw, header: (name) => header(request, name), now: deps.clock.now() },
            settings,
          );
          if (!checked.ok) {
            metrics?.delivery(adapter.forge, 'unverified');
            return sendProblem(reply, checked.code, checked.detail);
          }
          const { deliveryId, eventName } = checked;
          return accept(reply, raw, request, { forge: adapter.forge, deliveryId, eventName });
        },
      );
    return Promise.resolve();
  };

  async function accept(
    reply: FastifyReply,
    raw: Buffer,
    request: FastifyRequest,
    input: { forge: Forge; deliveryId: string; eventName: string },
  ): Promise<FastifyReply> {
    const parsed = parsePayload(raw, header(request, 'content-type'));
    if (!parsed.ok) {
      metrics?.delivery(input.forge, 'unreadable');
      return sendProblem(reply, parsed.code, parsed.detail);
    }
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
