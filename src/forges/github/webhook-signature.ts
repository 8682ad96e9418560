/**
 * GitHub's proof of a delivery: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the
 * body's exact bytes under the webhook secret. Computed over the raw bytes, never over text
 * decoded from them: decoding replaces invalid UTF-8 and would turn a correctly signed body
 * into a mismatch (or two different bodies into one). Compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export function githubSignatureMatches(body: Buffer, header: string, secret: string): boolean {
  const hex = SIGNATURE.exec(header.trim())?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
}
