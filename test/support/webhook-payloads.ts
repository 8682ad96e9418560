/**
 * Real webhook payloads for tests: GitHub's from @octokit/webhooks-examples, GitLab's from
 * test/fixtures/gitlab, and the headers a forge sends with them (signed the way GitHub
 * signs: HMAC-SHA256 of the exact body bytes).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import { fixturesUrl } from './fixtures.js';

const examples = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('@octokit/webhooks-examples/api.github.com/index.json'),
    'utf8',
  ),
) as WebhookDefinition[];

/** The first example of a GitHub event (and action), deep-copied so a test may change it. */
export function githubExample(event: string, action?: string): Record<string, unknown> {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((p) => action === undefined || (p as { action?: string }).action === action);
  if (!found) throw new Error(`no ${event}${action ? `.${action}` : ''} example`);
  return structuredClone(found) as Record<string, unknown>;
}

const FIXTURES = fixturesUrl('gitlab');

export function gitlabFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<
    string,
    unknown
  >;
}

export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function githubHeaders(
  event: string,
  body: string,
  secret: string,
  delivery: string = randomUUID(),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': githubSignature(secret, body),
    'user-agent': 'GitHub-Hookshot/044aadd',
  };
}

export const GITLAB_EVENT_HEADER: Record<string, string> = {
  merge_request: 'Merge Request Hook',
  push: 'Push Hook',
  tag_push: 'Tag Push Hook',
  note: 'Note Hook',
  release: 'Release Hook',
  pipeline: 'Pipeline Hook',
};

export function gitlabHeaders(
  payload: Record<string, unknown>,
  token: string,
  idempotencyKey: string = randomUUID(),
): Record<string, string> {
  const kind = String(payload.object_kind);
  return {
    'content-type': 'application/json',
    'x-gitlab-event': GITLAB_EVENT_HEADER[kind] ?? `${kind} Hook`,
    'x-gitlab-token': token,
    'idempotency-key': idempotencyKey,
    'x-gitlab-event-uuid': randomUUID(),
    'user-agent': 'GitLab/17.6.0',
  };
}
