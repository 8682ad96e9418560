/**
 * One webhook case: a real payload, mutated 0–3 times (fields forges fill in first), written
 * as JSON (or as GitHub's form encoding), sometimes with bytes that are not UTF-8, signed over
 * the exact bytes, with headers now and then mutated. Delivery ids are the case's number, and
 * now and then an earlier case's: a redelivery with another body.
 */
import { JsonBody } from '../json-mutations.js';
import type { Random } from '../random.js';
import type { Expectations } from '../server/judge.js';
import type { HttpCase } from '../server/setup.js';
import { forgeHeaders } from './headers.js';
import { basePayloads } from './payloads.js';

export interface WebhookCase {
  http: HttpCase;
  expect: Expectations;
  origin: string;
}

/** GitHub's form encoding of the body's bytes (any bytes, not only UTF-8). */
function formEncoded(json: Buffer): Buffer {
  let out = 'payload=';
  for (const byte of json)
    out += /[A-Za-z0-9_.~-]/.test(String.fromCharCode(byte))
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return Buffer.from(out, 'latin1');
}

export function generateWebhookCase(random: Random, index: number, seed: number): WebhookCase {
  const base = random.pick(basePayloads());
  const body = new JsonBody(structuredClone(base.payload));
  if (random.chance(0.85)) for (let n = random.between(1, 3); n > 0; n--) body.mutate(random);
  let bytes = body.bytes(random, 0.08);
  let contentType = 'application/json';
  if (base.forge === 'github' && random.chance(0.1)) {
    bytes = formEncoded(bytes);
    contentType = 'application/x-www-form-urlencoded';
    body.steps.push('form-encoded');
  }
  const delivery = `fuzz-${seed}-${index > 0 && random.chance(0.05) ? random.int(index) : index}`;
  const { headers, signed, steps } = forgeHeaders(
    random,
    base.forge,
    base.event,
    delivery,
    bytes,
    contentType,
  );
  return {
    http: {
      app: 'open',
      method: 'POST',
      url: `/webhooks/${base.forge}`,
      headers,
      body: bytes,
      readBack: true,
    },
    expect: { signed },
    origin: [base.name, ...body.steps, ...steps].join(', '),
  };
}
