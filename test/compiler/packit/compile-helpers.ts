/**
 * Events and fixtures for the tests of compilePackit: the three events a Packit repository
 * sees most (a pull request opened, a push to the default branch, a release published) and a
 * `/packit` comment, as normalized Events on a repository whose default branch is `main`.
 * The fixtures are the real configs in test/fixtures/packit.
 */
import { readdirSync, readFileSync } from 'node:fs';
import {
  compilePackit,
  type ConfigResult,
  type Graph,
  type PreviousNode,
} from '../../../src/compiler/index.js';
import type { Event, PullRequest } from '../../../src/events/event.js';
import { fixturesUrl } from '../../support/fixtures.js';

const FIXTURES = fixturesUrl('packit');

export function fixtureNames(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(new URL(`${kind}/`, FIXTURES))
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export function fixture(kind: 'valid' | 'invalid', name: string): string {
  return readFileSync(new URL(`${kind}/${name}`, FIXTURES), 'utf8');
}

import {
  comment as pipelineComment,
  pullRequest as pipelinePullRequest,
  push as pipelinePush,
} from '../helpers.js';

/** The commit of every event here (the pipeline tests' helpers'). */
export const SHA = 'a'.repeat(40);

/** octo/app, with what Packit reads of a repository: its default branch and clone URL. */
const REPO: Event['repo'] = {
  full_name: 'octo/app',
  owner: 'octo',
  name: 'app',
  id: 1,
  html_url: 'https://github.com/octo/app',
  clone_url: 'https://github.com/octo/app.git',
  default_branch: 'main',
  private: false,
};

/** Pull request #7 into main. */
export function pullRequest(pr: Partial<PullRequest> = {}, action = 'opened'): Event {
  return { ...pipelinePullRequest(action, pr), repo: REPO };
}

export function push(branch = 'main'): Event {
  return { ...pipelinePush(branch), repo: REPO };
}

export function release(tag = 'v1.2.0', action = 'published'): Event {
  return {
    ...push(),
    kind: 'release',
    action,
    sha: null,
    ref: `refs/tags/${tag}`,
    branch: null,
    tag,
    release: { tag, name: tag, draft: false, prerelease: false, url: null },
  };
}

/** A comment on pull request #7 (its labels as given). */
export function packitComment(body: string, labels: string[] = []): Event {
  const event = pipelineComment(body);
  return { ...event, repo: REPO, pr: { ...event.pr!, labels } };
}

export function compile(
  text: string,
  event: Event,
  previous?: PreviousNode[],
  file = '.packit.yaml',
): ConfigResult {
  return compilePackit(text, event, {
    file,
    repoName: 'app',
    ...(previous ? { previous } : {}),
  });
}

export function graphOf(text: string, event: Event, previous?: PreviousNode[]) {
  const result = compile(text, event, previous);
  if (result.status !== 'graph')
    throw new Error(`expected a graph, got ${JSON.stringify(result, null, 2).slice(0, 3000)}`);
  return result;
}

export const ids = (graph: Graph) => graph.nodes.map((n) => n.id);

export function node(graph: Graph, id: string) {
  const found = graph.nodes.find((n) => n.id === id);
  if (!found) throw new Error(`no node ${id} in ${ids(graph).join(', ')}`);
  return found;
}
