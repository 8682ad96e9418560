/**
 * The real payloads webhook cases start from: GitHub's examples (@octokit/webhooks-examples)
 * for the events forgeflow acts on and a few it ignores, and GitLab's of test/fixtures/gitlab,
 * each with the event header its forge sends with it.
 */
import { readdirSync } from 'node:fs';
import { fixturesPath } from '../../test/support/fixtures.js';
import {
  GITLAB_EVENT_HEADER,
  githubExample,
  gitlabFixture,
} from '../../test/support/webhook-payloads.js';

export interface BasePayload {
  forge: 'github' | 'gitlab';
  /** X-GitHub-Event or X-Gitlab-Event. */
  event: string;
  name: string;
  payload: Record<string, unknown>;
}

const GITHUB_EVENTS: readonly [string, string?][] = [
  ['pull_request', 'opened'],
  ['pull_request', 'synchronize'],
  ['pull_request', 'closed'],
  ['pull_request', 'labeled'],
  ['push'],
  ['issue_comment', 'created'],
  ['release', 'published'],
  ['create'],
  ['delete'],
  ['ping'],
  ['star', 'created'],
  ['check_run', 'rerequested'],
];

let cached: BasePayload[] | undefined;

export function basePayloads(): BasePayload[] {
  return (cached ??= [
    ...GITHUB_EVENTS.map(([event, action]) => ({
      forge: 'github' as const,
      event,
      name: `github ${event}${action ? `.${action}` : ''}`,
      payload: githubExample(event, action),
    })),
    ...readdirSync(fixturesPath('gitlab'))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => {
        const payload = gitlabFixture(file.replace(/\.json$/, ''));
        const kind = String(payload.object_kind);
        return {
          forge: 'gitlab' as const,
          event: GITLAB_EVENT_HEADER[kind] ?? `${kind} Hook`,
          name: `gitlab ${file}`,
          payload,
        };
      }),
  ]);
}
