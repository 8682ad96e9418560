/**
 * A ready node's `if:`, decided in memory: it runs, with the context its input is evaluated in,
 * or it is skipped, and why. Pure: the transaction that decides a node (advance.ts) and a batch
 * of starts deciding its runs' roots before writing them (start-plan.ts) ask the same question.
 */
import type { GraphNode } from '../contracts/graph.js';
import { evaluateCondition, type ExpressionContext } from '../expressions/evaluate.js';
import { buildContext, concluded, statusFunctions, type NeededNode } from './node-context.js';
import type { RunInfo, RuntimeSettings } from './types.js';

/** A skipped node keeps its context too: a reported one names its skipped status with it. */
export type Condition =
  | { runs: true; context: ExpressionContext }
  | { runs: false; reason: string; context: ExpressionContext };

/** Throws EvaluationError when the condition (or the context: env) cannot be evaluated. */
export function nodeCondition(
  run: RunInfo,
  node: GraphNode,
  needed: readonly NeededNode[],
  settings: RuntimeSettings,
): Condition {
  const context = buildContext(run, node, needed, settings);
  // continue_on_error: a need that failed reads as succeeded (node-context.ts conclusionOf).
  const seen = concluded(run, needed);
  if (evaluateCondition(node.if, context, statusFunctions(seen, run.stopping !== null)))
    return { runs: true, context };
  const reason =
    run.stopping !== null
      ? `the run is being stopped and "if: ${node.if}" is false`
      : seen.some((n) => n.status !== 'succeeded')
        ? `a needed node did not succeed and "if: ${node.if}" is false`
        : `"if: ${node.if}" is false`;
  return { runs: false, reason, context };
}
