/**
 * GitLab's two ways of proving a delivery: the plaintext `X-Gitlab-Token` (compared in constant
 * time), and, where a signing token is configured, an HMAC in the Standard Webhooks form
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
 * `id.timestamp.body`, key `whsec_<base64>`), refused when its timestamp is over 5 minutes off.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TOLERANCE_S = 5 * 60;

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // timingSafeEqual needs equal lengths; comparing with itself keeps the time the same.
  return a.length === b.length ? timingSafeEqual(a, b) : (timingSafeEqual(b, b), false);
}

export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** Why the signature does not hold, or undefined when it does. */
export function checkSignature(
  headers: { id?: string; timestamp?: string; signature?: string },
  body: Buffer,
  secret: string,
  nowMs: number,
): string | undefined {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature)
    return 'webhook-id, webhook-timestamp and webhook-signature are required';
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds)) return 'webhook-timestamp is not a number of seconds';
  if (Math.abs(nowMs / 1000 - seconds) > TOLERANCE_S)
    return 'webhook-timestamp is more than 5 minutes away from now';
  const expected = createHmac('sha256', signingKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(body)
    .digest();
  const matches = signature.split(' ').some((part) => {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || value === undefined) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? undefined : 'webhook-signature does not match the body';
}
