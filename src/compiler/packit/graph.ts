/**
 * The planned nodes of a .packit.yaml as a Graph (source kind `packit`): job ids assigned,
 * nodes (each needing at most the build of its target; a copr_build job's chroots, its one
 * submission) in file order, hashed like a pipeline's graph, so the same text and event
 * always give the same bytes.
 */
import type { Event } from '../../events/event.js';
import {
  GRAPH_FORMAT,
  sealGraph,
  sha256Hex,
  type Graph,
  type GraphNode,
} from '../../contracts/graph.js';
import { graphTrigger } from '../trigger-match.js';
import { coprSubmitIds, JobIds } from './ids.js';
import { coprSubmitNode, graphNode } from './nodes.js';
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
  const submitted = new Set<PlannedNode['view']>();
  const submitIds = coprSubmitIds(
    planned.map((p) => p.view),
    ids,
  );
  const ctx = { event, ref: input.ref, ids, commandEnv, submitIds };
  const nodes: GraphNode[] = [];
  for (const p of planned) {
    // A copr_build view's one submission comes before the nodes following its chroots.
    if (p.view.type === 'copr_build' && p.target && !submitted.has(p.view)) {
      submitted.add(p.view);
      const targets = planned.filter((o) => o.view === p.view).flatMap((o) => o.target ?? []);
      nodes.push(coprSubmitNode(p.view, targets, ctx));
    }
    nodes.push(graphNode(p, ctx));
  }
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
