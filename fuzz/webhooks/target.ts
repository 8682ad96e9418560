/** The webhooks target: signed, mutated deliveries to /webhooks/github and /webhooks/gitlab. */
import { httpTarget } from '../server/http-target.js';
import type { ServerInit } from '../server/setup.js';
import type { Target } from '../target.js';
import { generateWebhookCase, type WebhookCase } from './generate.js';

export function webhooksTarget(init: ServerInit, seed: number): Target<WebhookCase> {
  return httpTarget<WebhookCase>('webhooks', init, (random, index) =>
    generateWebhookCase(random, index, seed),
  );
}
