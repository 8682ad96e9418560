/**
 * The expression context a node's condition and input are evaluated in, built when the node is
 * scheduled: the event, env, matrix, the outputs and results of the nodes it needs (grouped by
 * job), and the run.
 */
import type { GraphNode } from '../contracts/graph.js';
import type { ExpressionContext, StatusFunctions } from '../expressions/evaluate.js';
import { evaluateValue } from '../expressions/evaluate.js';
import { keepSecretTemplates } from '../expressions/secrets.js';
import { findNode } from './graph-index.js';
import type { NodeStatus } from './states.js';
import type { RunInfo, RuntimeSettings } from './types.js';

export interface NeededNode {
  node_id: string;
  status: NodeStatus;
  output: unknown;
}

/**
 * A node's conclusion: its status, except that a `continue_on_error` node that failed counts as
 * succeeded (GitHub's conclusion, where the status stays the outcome). What its dependents read.
 */
export function conclusionOf(node: GraphNode | undefined, status: NodeStatus): NodeStatus {
  return node?.continue_on_error === true && (status === 'failed' || status === 'timed_out')
    ? 'succeeded'
    : status;
}

/** The needed nodes as their dependents see them: each with its conclusion as its status. */
export function concluded(run: RunInfo, needed: readonly NeededNode[]): readonly NeededNode[] {
  if (!needed.some((n) => findNode(run, n.node_id)?.continue_on_error)) return needed;
  return needed.map((n) => ({ ...n, status: conclusionOf(findNode(run, n.node_id), n.status) }));
}

/** GitHub's job result words. */
export function resultOf(statuses: NodeStatus[]): string {
  if (statuses.some((s) => s === 'failed' || s === 'timed_out')) return 'failure';
  if (statuses.some((s) => s === 'canceled')) return 'cancelled';
  if (statuses.every((s) => s === 'succeeded')) return 'success';
  return 'skipped';
}

export function buildContext(
  run: RunInfo,
  node: GraphNode,
  needed: readonly NeededNode[],
  settings: RuntimeSettings,
): ExpressionContext {
  const byJob = new Map<string, NeededNode[]>();
  for (const need of concluded(run, needed)) {
    const job = findNode(run, need.node_id)?.job ?? need.node_id;
    let nodes = byJob.get(job);
    if (!nodes) byJob.set(job, (nodes = []));
    nodes.push(need);
  }
  const needs: Record<string, { output: unknown; result: string }> = {};
  for (const [job, nodes] of byJob) {
    // One instance: its output. Several (a fan-in over a matrix): outputs by node id.
    const output =
      nodes.length === 1
        ? nodes[0]!.output
        : Object.fromEntries(nodes.map((n) => [n.node_id, n.output]));
    needs[job] = { output, result: resultOf(nodes.map((n) => n.status)) };
  }
  const base: ExpressionContext = {
    event: run.event,
    inputs: run.graph.inputs ?? {},
    matrix: node.matrix,
    needs,
    run: runContext(run, settings),
  };
  // Variables set from secrets keep their template: the value exists only inside an attempt.
  const env = evaluateValue(node.env, base, { keep: keepSecretTemplates(node.env) }) as Record<
    string,
    string
  >;
  return {
    ...base,
    env: Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    ),
  };
}

/** The `run` context of expressions: the run, its page, and the server it runs on. */
export function runContext(run: RunInfo, settings: RuntimeSettings): Record<string, unknown> {
  const server = settings.publicUrl.replace(/\/$/, '');
  return {
    id: run.id,
    url: `${server}/runs/${run.id}`,
    server_url: server,
    pipeline: run.pipeline,
    attempt: run.attempt,
  };
}

export function statusFunctions(needed: readonly NeededNode[], stopping: boolean): StatusFunctions {
  return {
    success: () => !stopping && needed.every((n) => n.status === 'succeeded'),
    failure: () => needed.some((n) => n.status === 'failed' || n.status === 'timed_out'),
    always: () => true,
    cancelled: () => stopping,
  };
}
