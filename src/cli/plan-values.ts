/**
 * The names `forgeflow plan` prints, a node's report (its commit status) and the concurrency
 * group, evaluated as the runtime will evaluate them (the same evaluator, the same contexts)
 * wherever the event and the pipeline decide them. A template that reads what exists only once
 * the run does (its id and URL, `needs`, secrets, an env variable made of those) is shown as
 * written, marked so.
 */
import type { Graph, GraphNode } from '../contracts/graph.js';
import type { Event } from '../events/event.js';
import { templateReferences, type Reference } from '../expressions/check.js';
import { evaluateTemplate, evaluateValue } from '../expressions/evaluate.js';
import { keepSecretTemplates } from '../expressions/secrets.js';
import { hasExpression } from '../expressions/template.js';
import { evaluateGroup } from '../runtime/concurrency.js';
import { printable } from './terminal-text.js';

export type PlanValue =
  | { kind: 'resolved'; text: string }
  | { kind: 'at-run-time'; template: string }
  | { kind: 'unevaluable'; template: string; message: string };

/** The `run` fields known before the run exists. */
const runAtPlan = (graph: Graph) => ({ pipeline: graph.pipeline });

/** A value as `plan` prints it: the text, and a note on it when it is not the final name. */
export function shownValue(value: PlanValue): { text: string; note?: string } {
  switch (value.kind) {
    case 'resolved':
      return { text: printable(value.text) };
    case 'at-run-time':
      return { text: value.template, note: 'resolved at run time' };
    case 'unevaluable':
      return { text: value.template, note: `cannot be evaluated: ${printable(value.message)}` };
  }
}

export function planGroup(graph: Graph, event: Event): PlanValue | undefined {
  const concurrency = graph.concurrency;
  if (concurrency === null) return undefined;
  const template = concurrency.group;
  if (!knownAtPlan(template, graph.env)) return { kind: 'at-run-time', template };
  const evaluated = evaluateGroup(graph, event, runAtPlan(graph));
  return 'group' in evaluated
    ? { kind: 'resolved', text: evaluated.group }
    : { kind: 'unevaluable', template, message: evaluated.error };
}

export function planReport(graph: Graph, node: GraphNode, event: Event): PlanValue | undefined {
  const template = node.report;
  if (template === null) return undefined;
  if (!knownAtPlan(template, node.env)) return { kind: 'at-run-time', template };
  try {
    // The context a node's report is evaluated in when it is scheduled (node-context.ts).
    const base = { event, matrix: node.matrix, needs: {}, run: runAtPlan(graph) };
    const env = evaluateValue(node.env, base, { keep: keepSecretTemplates(node.env) }) as Record<
      string,
      unknown
    >;
    const value = evaluateTemplate(template, {
      ...base,
      env: Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    });
    return { kind: 'resolved', text: typeof value === 'string' ? value : JSON.stringify(value) };
  } catch (error) {
    return { kind: 'unevaluable', template, message: (error as Error).message };
  }
}

/** Whether everything `template` reads, directly or through `env`, is known at plan time. */
function knownAtPlan(template: string, env: Readonly<Record<string, string>>): boolean {
  if (!hasExpression(template)) return true;
  const references = templateReferences(template);
  if (references === undefined) return true; // evaluating it says what is wrong
  // Env names are matched as expressions read properties: without regard to case.
  const variables = new Map(
    Object.entries(env).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const variableKnown = (value: string) =>
    (templateReferences(value) ?? []).every((ref) => ref[0] === 'env' || staticReference(ref));
  return references.every((ref) => {
    if (ref[0] !== 'env') return staticReference(ref);
    const name = ref[1]?.toLowerCase();
    if (name === undefined) return [...variables.values()].every(variableKnown);
    const value = variables.get(name);
    return value === undefined || variableKnown(value);
  });
}

/** A reference to the event, the matrix or the pipeline's name. */
function staticReference(ref: Reference): boolean {
  const [context, field] = ref;
  return (
    context === 'event' ||
    context === 'matrix' ||
    (context === 'run' && field?.toLowerCase() === 'pipeline')
  );
}
