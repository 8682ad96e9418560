/**
 * The headers of a webhook case: those the forge sends, signed over the exact bytes (GitHub's
 * HMAC) or carrying the hook's token (GitLab), then now and then mutated: event names,
 * delivery ids and idempotency keys, content types, signatures and tokens, repeated headers.
 * Header values stay within what HTTP can carry (no NUL, CR or LF; Latin-1 at most).
 */
import { createHmac } from 'node:crypto';
import type { Random } from '../random.js';
import { GITLAB_WEBHOOK_TOKEN, WEBHOOK_SECRET } from '../server/setup.js';

export type Headers = Record<string, string>;

export interface SignedHeaders {
  headers: Headers;
  /** Still signed (or carrying the token) exactly as the forge would. */
  signed: boolean;
  steps: string[];
}

const ODD_HEADER_VALUES = [
  '',
  ' ',
  '\t',
  'x'.repeat(101),
  'x'.repeat(201),
  'x'.repeat(8_000),
  '../../etc/passwd',
  'a b',
  'pull_r\u00e9quest',
  '\u00ff\u00fe',
  '%00',
  '${{ 1 }}',
  '; DROP TABLE deliveries',
  'ping',
  'pull_request',
  'Pull_Request',
  'Merge Request Hook',
  'System Hook',
  '__proto__',
] as const;

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/x-www-form-urlencoded',
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/json, text/html',
  'application/vnd.github+json',
  '',
] as const;

const hmac = (body: Buffer) => createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex');

export function forgeHeaders(
  random: Random,
  forge: 'github' | 'gitlab',
  event: string,
  deliveryId: string,
  body: Buffer,
  contentType: string,
): SignedHeaders {
  const headers: Headers =
    forge === 'github'
      ? {
          'content-type': contentType,
          'x-github-event': event,
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': `sha256=${hmac(body)}`,
          'user-agent': 'GitHub-Hookshot/044aadd',
        }
      : {
          'content-type': contentType,
          'x-gitlab-event': event,
          'x-gitlab-token': GITLAB_WEBHOOK_TOKEN,
          'idempotency-key': deliveryId,
          'x-gitlab-event-uuid': deliveryId,
          'user-agent': 'GitLab/17.6.0',
        };
  const steps: string[] = [];
  let signed = true;
  if (!random.chance(0.3)) return { headers, signed, steps };
  for (let n = random.between(1, 2); n > 0; n--) {
    const which = random.int(6);
    if (which === 0) {
      const name = forge === 'github' ? 'x-github-event' : 'x-gitlab-event';
      headers[name] = random.pick(ODD_HEADER_VALUES);
      steps.push(`${name} odd`);
    } else if (which === 1) {
      const name = forge === 'github' ? 'x-github-delivery' : 'idempotency-key';
      if (random.chance(0.2)) delete headers[name];
      else headers[name] = random.pick(ODD_HEADER_VALUES);
      steps.push(`${name} odd or missing`);
    } else if (which === 2) {
      const type = random.pick(CONTENT_TYPES);
      if (type === '') delete headers['content-type'];
      else headers['content-type'] = type;
      steps.push(`content-type ${type || 'missing'}`);
    } else if (which === 3 && forge === 'github') {
      signed = false;
      const digest = hmac(body);
      const variants = [
        undefined,
        `sha1=${digest.slice(0, 40)}`,
        `sha256=${digest.toUpperCase()}`,
        `sha256=${digest.slice(0, 63)}`,
        `sha256=${digest} `,
        `sha256=${'0'.repeat(64)}`,
        'sha256=',
        digest,
      ];
      const value = random.pick(variants);
      if (value === undefined) delete headers['x-hub-signature-256'];
      else headers['x-hub-signature-256'] = value;
      steps.push('signature wrong or missing');
    } else if (which === 3) {
      signed = false;
      const value = random.pick([
        undefined,
        '',
        'guess',
        `${GITLAB_WEBHOOK_TOKEN} `,
        GITLAB_WEBHOOK_TOKEN.toUpperCase(),
      ]);
      if (value === undefined) delete headers['x-gitlab-token'];
      else headers['x-gitlab-token'] = value;
      steps.push('gitlab token wrong or missing');
    } else if (which === 4) {
      // Sent twice: Node joins the two values with ", " before any route sees them.
      const name = random.pick(Object.keys(headers));
      headers[name] = `${String(headers[name])}, ${random.pick(ODD_HEADER_VALUES)}`;
      if (name === 'x-hub-signature-256' || name === 'x-gitlab-token') signed = false;
      steps.push(`${name} twice`);
    } else {
      delete headers['user-agent'];
      headers['x-forwarded-for'] = '127.0.0.1, 10.0.0.1';
      steps.push('no user-agent');
    }
  }
  return { headers, signed, steps };
}
