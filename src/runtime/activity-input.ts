/**
 * An activity's input, evaluated when the node is scheduled. Pure: scheduling one node
 * (schedule.ts) and a batch of starts scheduling its runs' roots (start-plan.ts) evaluate it the
 * same way.
 */
import type { GraphNode } from '../contracts/graph.js';
import { EvaluationError, evaluateValue, type ExpressionContext } from '../expressions/evaluate.js';
import { keepSecretTemplates } from '../expressions/secrets.js';
import { storable } from './storable.js';

/** Throws EvaluationError when the input cannot be evaluated, or stored once evaluated. */
export function activityInput(
  node: GraphNode,
  input: unknown,
  context: ExpressionContext,
): unknown {
  // What reads a secret is kept as written, and evaluated only when an attempt starts.
  const keep = keepSecretTemplates(node.env);
  const evaluated = storable(evaluateValue(input, context, { keep }));
  if (!evaluated.ok)
    throw new EvaluationError(`the evaluated input cannot be stored: ${evaluated.reason}`, '');
  return evaluated.value;
}
