/**
 * What starting a new run does, decided in memory before anything is written, for the runs a
 * batch of starts can write set-based (start-batch.ts): no concurrency group, and every root a
 * plain activity whose `if:` holds and whose input evaluates. Their start is then rows only: the
 * run running, its roots scheduled for attempt 1, their tasks. Anything else — a group that must
 * be entered, a root that is a timer, a signal wait or a poll or reports a status (or any node
 * that reports from the run's start, with `statuses`), a root
 * skipped or failed by its expressions, an empty graph that ends at once — is left to the
 * per-run path (start-run.ts), which decides it as it always did.
 */
import type { GraphNode } from '../contracts/graph.js';
import { EvaluationError } from '../expressions/evaluate.js';
import { activityInput } from './activity-input.js';
import { deadlineFrom } from './create-run.js';
import { evaluateGroup } from './concurrency.js';
import { nodeCondition } from './node-condition.js';
import { runContext } from './node-context.js';
import type { StartRunInput } from './start-run.js';
import type { RunInfo, RuntimeSettings } from './types.js';

export interface PlannedRoot {
  node: GraphNode;
  /** The evaluated input of its first attempt. */
  input: unknown;
  /** Its `deadline` (all attempts), from now. */
  deadlineAt: number | null;
}

export interface PlannedStart {
  run: RunInfo;
  /** In graph order, as the per-run path decides them. */
  roots: PlannedRoot[];
  /** The run's own deadline. */
  deadlineAt: number | null;
}

/** The plan, or undefined when the run needs the per-run path. */
export function planStart(
  settings: RuntimeSettings,
  input: StartRunInput,
  id: string,
  now: number,
): PlannedStart | undefined {
  const { graph } = input;
  if (graph.concurrency !== null || graph.nodes.length === 0) return undefined;
  // Nodes with `statuses` say they are accepted as the run starts (advance.ts acceptNodes).
  if (graph.nodes.some((n) => n.statuses)) return undefined;
  // Its first events alone would pass the history cap: the per-run path ends it for that.
  const rootCount = graph.nodes.filter((n) => n.needs.length === 0).length;
  if (rootCount + 1 > settings.maxHistoryEvents) return undefined;
  const run = newRun(input, id);
  const roots: PlannedRoot[] = [];
  for (const node of graph.nodes) {
    if (node.needs.length > 0) continue;
    // A root of a max_parallel job may have to wait for a slot (max-parallel.ts).
    if (node.action.kind !== 'activity' || node.report !== null || node.max_parallel !== undefined)
      return undefined;
    try {
      const condition = nodeCondition(run, node, [], settings);
      // A skipped root counts its dependents down, which may decide more of them.
      if (!condition.runs) return undefined;
      const deadline = node.timeouts.deadline_ms;
      roots.push({
        node,
        input: activityInput(node, node.action.input, condition.context) ?? null,
        deadlineAt: deadline === null ? null : now + deadline,
      });
    } catch (error) {
      // It fails its node, and maybe the run: recorded by the per-run path.
      if (error instanceof EvaluationError) return undefined;
      throw error;
    }
  }
  return { run, roots, deadlineAt: deadlineFrom(graph, now) };
}

/**
 * The concurrency group a run the per-run path starts will enter ('' for none, or one that
 * cannot be evaluated: it fails the run instead). A batch enters its runs' groups in the order
 * of their names, so two batches never wait for each other's group locks in a circle.
 */
export function groupOf(settings: RuntimeSettings, input: StartRunInput, id: string): string {
  const { graph, event } = input;
  if (graph.concurrency === null) return '';
  const evaluated = evaluateGroup(graph, event, runContext(newRun(input, id), settings));
  return 'group' in evaluated ? evaluated.group : '';
}

function newRun(input: StartRunInput, id: string): RunInfo {
  const { graph, event, configSource } = input;
  return {
    id,
    pipeline: graph.pipeline,
    graph,
    event,
    parent: null,
    status: 'running',
    attempt: 1,
    stopping: null,
    group: null,
    ...(configSource ? { configSource } : {}),
  };
}
