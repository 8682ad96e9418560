import type { Event, PullRequest } from '../../src/events/event.js';
import { compilePipeline, type CompileResult, type Graph } from '../../src/compiler/index.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import { manualEvent } from '../../src/forges/normalize.js';

export function compile(text: string, event: Event): CompileResult {
  return compilePipeline(text, event, { file: 'pipeline.yaml', handlers: builtInRegistry });
}

export function graphOf(text: string, event: Event) {
  const result = compile(text, event);
  if (result.status !== 'graph')
    throw new Error(`expected a graph, got ${JSON.stringify(result, null, 2)}`);
  return result;
}

const base = manualEvent({
  repo: 'octo/app',
  sha: 'a'.repeat(40),
  ref: 'refs/heads/main',
  sender: 'mona',
});

export function pullRequest(
  action: string,
  pr: Partial<PullRequest> = {},
  extra: Partial<Event> = {},
): Event {
  return {
    ...base,
    kind: 'pull_request',
    action,
    branch: pr.base_ref ?? 'main',
    pr: {
      number: 7,
      title: 'Change',
      url: null,
      author: 'mona',
      head_sha: 'a'.repeat(40),
      head_ref: 'feature',
      base_ref: 'main',
      base_sha: null,
      labels: [],
      draft: false,
      merged: false,
      state: 'open',
      from_fork: false,
      ...pr,
    },
    ...extra,
  };
}

export function push(branch: string, changed: string[] | null = null): Event {
  return {
    ...base,
    kind: 'push',
    action: 'pushed',
    ref: `refs/heads/${branch}`,
    branch,
    changed_paths: changed,
  };
}

export function tagPush(tag: string, action = 'pushed'): Event {
  return { ...base, kind: 'tag', action, ref: `refs/tags/${tag}`, branch: null, tag };
}

export function comment(body: string, action = 'created'): Event {
  return {
    ...pullRequest('created'),
    kind: 'comment',
    action,
    comment: { id: 1, body, author: 'mona', author_association: 'OWNER', url: null },
  };
}

export const manual = (): Event => base;

/** A pipeline around the given `on:` block and one trivial job. */
export function withTriggers(on: string): string {
  return `version: 1\non:\n${on}\njobs:\n  a:\n    uses: exec\n    with: { command: ["true"] }\n`;
}

/** `[from, to]` for each needs entry, in node order (what format 1 stored as `edges`). */
export function needPairs(graph: Pick<Graph, 'nodes'>): [string, string][] {
  return graph.nodes.flatMap((node) => node.needs.map((from): [string, string] => [from, node.id]));
}
