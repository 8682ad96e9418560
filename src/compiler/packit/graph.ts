/**
 * The planned nodes of a .packit.yaml as a Graph (source kind `packit`): job ids assigned,
 * nodes (each needing at most the build of its target) in file order, hashed like a pipeline's graph, so the same text and event
 * always give the same bytes.
 */
import type { Event } from '../../events/event.js';
import { GRAPH_FORMAT, sealGraph, sha256Hex, type Graph } from '../../contracts/graph.js';
import { graphTrigger } from '../trigger-match.js';
import { JobIds } from './ids.js';
import { graphNode } from './nodes.js';
import type { PlannedNode } from './plan.js';

/** The name runs of a .packit.yaml go by. */
export const PACKIT_PIPELINE = 'packit';

export interface PackitGraphInput {
  planned: readonly PlannedNode[];
  event: Event;
  /** The PR's target branch, the pushed branch or the release tag. */
  ref: string | null;
  file: string;
  text: string;
  /** `/packit test --env K=V` of the comment, if any. */
  commandEnv?: Readonly<Record<string, string>>;
}

export function packitGraph(input: PackitGraphInput): Graph {
  const { planned, event } = input;
  const ids = new JobIds();
  const targetsByView = new Map<PlannedNode['view'], (string | null)[]>();
  for (const p of planned)
    targetsByView.set(p.view, [...(targetsByView.get(p.view) ?? []), p.target?.name ?? null]);
  for (const [view, targets] of targetsByView) ids.assign(view, targets);

  const commandEnv = input.commandEnv ?? {};
  const nodes = planned.map((p) => graphNode(p, { event, ref: input.ref, ids, commandEnv }));
  const body: Omit<Graph, 'hash'> = {
    format: GRAPH_FORMAT,
    pipeline: PACKIT_PIPELINE,
    source: { kind: 'packit', file: input.file, sha256: sha256Hex(input.text) },
    trigger: graphTrigger(event),
    env: {},
    concurrency: null,
    timeout_ms: null,
    nodes,
  };
  return sealGraph(body);
}
