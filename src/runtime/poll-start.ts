/**
 * Polling, the parent's side. A node with `poll:` first calls its handler; when that returns,
 * the node waits and a child run (its own id, graph, history; linked to the parent node's
 * attempt) polls in its place (poll-iteration.ts). Its end reaches the parent as a `child` task
 * (child-finished.ts); the last poll output becomes the node's output.
 */
import {
  GRAPH_FORMAT,
  sealGraph,
  type Graph,
  type GraphNode,
  type PollAction,
} from '../contracts/graph.js';
import { errorInfo } from '../contracts/errors.js';
import { EvaluationError, evaluateValue } from '../expressions/evaluate.js';
import { deferredSecrets, keepSecretTemplates } from '../expressions/secrets.js';
import { statusUpdateOf } from '../contracts/status-update.js';
import { afterNodesFinished } from './advance.js';
import { beginRun, createRun } from './create-run.js';
import { neededNodesOf } from './graph-index.js';
import { buildContext } from './node-context.js';
import { cancelNode, completeNode, failNode } from './node-end.js';
import { loadNeeded } from './node-outputs.js';
import { reportUpdate } from './report.js';
import { closeScope } from './run-transaction.js';
import { record, type TxScope } from './scope.js';
import { takeBufferedSignal } from './signal-buffer.js';
import { storable } from './storable.js';
import { setAttemptStatus, setNodeStatus } from './store.js';
import type { ParentLink } from './types.js';

/** The one node of a polling child run. */
export const POLL_NODE = 'poll';

/** The parent's first call returned `output`: start polling (or finish, if a signal came first). */
export async function startPolling(
  scope: TxScope,
  node: GraphNode,
  attempt: number,
  output: unknown,
): Promise<void> {
  const { q, run, now } = scope;
  if (node.action.kind !== 'activity' || node.action.poll === null)
    throw new Error(`node ${node.id} does not poll`);
  const poll = node.action.poll;
  // The attempt ends as the history will tell it: canceled, failed, or succeeded.
  const endAttempt = (status: 'succeeded' | 'failed' | 'canceled') =>
    setAttemptStatus(q, run.id, node.id, attempt, status, { finished_at: new Date(now) });
  if (run.stopping !== null) {
    await endAttempt('canceled');
    await cancelNode(scope, node.id, 'the run is being stopped: the poll did not start', attempt);
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  const early =
    poll.signal === null ? undefined : await takeBufferedSignal(scope, poll.signal, node.id);
  if (early) {
    await endAttempt('succeeded');
    await completeNode(scope, node.id, early.payload, { attempt, signal: poll.signal! });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  const needed = await loadNeeded(scope, neededNodesOf(run, node));
  const context = buildContext(run, node, needed, scope.settings);
  let input: unknown;
  try {
    const keep = keepSecretTemplates(node.env);
    const evaluated = storable(evaluateValue(poll.input, { ...context, output }, { keep }));
    if (!evaluated.ok)
      throw new EvaluationError(
        `the evaluated poll input cannot be stored: ${evaluated.reason}`,
        '',
      );
    input = evaluated.value;
  } catch (error) {
    if (!(error instanceof EvaluationError)) throw error;
    const info = errorInfo('ExpressionError', error.message, { nonRetryable: true });
    await endAttempt('failed');
    await failNode(scope, node.id, info, { attempt });
    await afterNodesFinished(scope, [node.id]);
    return;
  }
  await endAttempt('succeeded');
  await setNodeStatus(q, run.id, node.id, 'waiting', {});
  const told = node.statuses ? statusUpdateOf(output) : null;
  if (told !== null) await reportUpdate(scope, { runId: run.id, nodeId: node.id }, told);
  const action: PollAction = {
    kind: 'poll',
    handler: poll.handler,
    input,
    every_ms: poll.every_ms,
    backoff_coefficient: poll.backoff_coefficient,
    maximum_interval_ms: poll.maximum_interval_ms,
    until: poll.until,
    signal: poll.signal,
    context: {
      env: context.env,
      matrix: context.matrix,
      needs: context.needs,
      run: context.run,
      // Only where the pipeline declares inputs: other poll graphs keep their bytes and hashes.
      ...(run.graph.inputs ? { inputs: context.inputs } : {}),
    },
    polls_before: 0,
    polls_per_run: scope.settings.pollsPerRun,
    ...(node.statuses ? { report_status: { last_status: told } } : {}),
  };
  // The child has the evaluated input only: where its secret templates are goes with it.
  const secrets = deferredSecrets(poll.input, node.env);
  if (secrets.paths.length > 0) action.secrets = secrets;
  const childId = await startChild(
    scope,
    { runId: run.id, nodeId: node.id, attempt },
    pollGraph(scope, node, action),
    poll.timeout_ms === null ? null : now + poll.timeout_ms,
  );
  record(scope, [
    {
      type: 'ChildRunStarted',
      node: node.id,
      attempt,
      data: { child_run_id: childId, first_output: output },
    },
  ]);
  scope.after.emit({ type: 'child:started', runId: run.id, nodeId: node.id, childRunId: childId });
}

/** In a child run: a poll call returned `output`. Done, poll again later, or continue as new. */
export async function startChild(
  scope: TxScope,
  parent: ParentLink,
  graph: Graph,
  deadlineAt: number | null,
  continuedFrom?: string,
): Promise<string> {
  const created = await createRun(
    scope.q,
    scope.engine,
    scope.after,
    {
      graph,
      event: scope.run.event,
      parent,
      deadlineAt,
      ...(continuedFrom ? { continuedFrom } : {}),
      ...(scope.run.configSource ? { configSource: scope.run.configSource } : {}),
    },
    scope.now,
  );
  if ('existing' in created) throw new Error('a child run cannot collide with an existing run');
  await beginRun(created.scope, deadlineAt);
  await closeScope(created.scope);
  return created.scope.run.id;
}

/** A one-node graph: the poll, with the parent node's timeouts for each call. */
function pollGraph(scope: TxScope, node: GraphNode, action: PollAction): Graph {
  if (node.action.kind !== 'activity' || node.action.poll === null)
    throw new Error(`node ${node.id} does not poll`);
  const parent = scope.run.graph;
  return sealGraph({
    format: GRAPH_FORMAT,
    pipeline: parent.pipeline,
    source: parent.source,
    trigger: parent.trigger,
    env: {},
    concurrency: null,
    timeout_ms: null,
    nodes: [
      {
        id: POLL_NODE,
        job: POLL_NODE,
        name: `poll for ${node.id}`,
        matrix: node.matrix,
        needs: [],
        if: 'success()',
        action,
        retry: node.action.poll.retry,
        timeouts: {
          attempt_ms: node.timeouts.attempt_ms,
          queue_ms: null,
          deadline_ms: null,
          heartbeat_ms: node.timeouts.heartbeat_ms,
        },
        env: {},
        report: null,
      },
    ],
  });
}
