/**
 * Evaluates `${{ … }}` expressions at run time with GitHub's own `@actions/expressions`: its
 * lexer, parser, evaluator and built-in functions, so operators, loose `==`, case-insensitive
 * property access, `*` filters, `contains`, `format`, `toJSON`, `fromJSON`, … behave exactly as in
 * GitHub Actions. This module only converts values in and out (convert.ts), splits templates
 * (template.ts), supplies the status functions and turns every failure into an EvaluationError.
 */
import { data, Evaluator, Lexer, Parser, type Expr } from '@actions/expressions';
import {
  Binary,
  FunctionCall,
  Grouping,
  IndexAccess,
  Logical,
  Unary,
} from '@actions/expressions/ast';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { truthy } from '@actions/expressions/result';
import { shorten } from './check.js';
import { LazyContexts, mapStrings, toPlain, toText } from './convert.js';
import { CONTEXTS, STATUS_FUNCTIONS } from './language.js';
import { hasExpression, parseTemplate, singleExpression } from './template.js';

export interface ExpressionContext {
  event?: unknown;
  env?: Record<string, string>;
  matrix?: Record<string, unknown> | null;
  needs?: Record<string, { output: unknown; result: string }>;
  run?: Record<string, unknown>;
  /** The latest call's output, inside `poll.with` and `poll.until`. */
  output?: unknown;
  /** A manual run's input values (the defaults for runs of other triggers): graph.inputs. */
  inputs?: Readonly<Record<string, unknown>>;
  /** Given only when an attempt starts, to the templates that read them (secrets.ts). */
  secrets?: Readonly<Record<string, string>>;
}

export interface EvaluateOptions {
  /** Strings to leave as written (the templates that read secrets, until an attempt starts). */
  keep?: (template: string) => boolean;
}

export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  always(): boolean;
  cancelled(): boolean;
}

/** An expression or template that could not be parsed or evaluated. */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
  /** The failing expression (or malformed template), cut to 200 characters. */
  readonly expression: string;

  constructor(message: string, expression: string, options?: { cause?: unknown }) {
    super(message, options);
    this.expression = shorten(expression, 200);
  }
}

/** The value of one expression (without `${{ }}`), as plain JS. */
export function evaluateExpression(
  source: string,
  context: ExpressionContext,
  status?: StatusFunctions,
): unknown {
  const scope = new Scope(context);
  return guarded(source, () => toPlain(scope.evaluate(scope.parse(source, status), status)));
}

/**
 * A string with `${{ }}` parts. Exactly one expression (whitespace around it allowed) keeps its
 * value's type; otherwise each value is written as text (see toText) between the literal parts.
 * A string without `${{` comes back unchanged.
 */
export function evaluateTemplate(template: string, context: ExpressionContext): unknown {
  return new Scope(context).template(template);
}

/** A deep copy of `value` with every string evaluated as a template; keys are left alone. */
export function evaluateValue(
  value: unknown,
  context: ExpressionContext,
  options: EvaluateOptions = {},
): unknown {
  const scope = new Scope(context);
  const { keep } = options;
  return guarded('', () =>
    mapStrings(value, (text) => (keep?.(text) ? text : scope.template(text))),
  );
}

/**
 * An `if:` condition, bare (`event.kind == 'push'`) or wrapped (`${{ … }}`). As in GitHub
 * Actions, a condition that calls none of success(), failure(), always(), cancelled() means
 * `success() && (condition)`.
 */
export function evaluateCondition(
  source: string,
  context: ExpressionContext,
  status: StatusFunctions,
): boolean {
  const single = singleExpression(source);
  const expression = single ?? source.trim();
  if (single === undefined && hasExpression(source)) {
    throw new EvaluationError(
      `condition "${shorten(source)}" must be one expression; text around "\${{ }}" would make it a string that is always true`,
      source,
    );
  }
  const scope = new Scope(context);
  const expr = scope.parse(expression, status);
  return guarded(expression, () => {
    if (!callsStatusFunction(expr) && !status.success()) return false;
    return truthy(scope.evaluate(expr, status));
  });
}

/** The context data of one top-level call, converted lazily and shared by all its expressions. */
class Scope {
  readonly #names: string[];
  readonly #contexts: LazyContexts;

  constructor(context: ExpressionContext) {
    const given = Object.entries(context).filter(([, value]) => value !== undefined);
    const known: [string, unknown][] = CONTEXTS.map((name) => [name, null]);
    // Given first: LazyContexts keeps the first value of a name.
    const all = [...given, ...known];
    this.#names = [...new Set(all.map(([name]) => name))];
    this.#contexts = new LazyContexts(all);
  }

  parse(source: string, status: StatusFunctions | undefined): Expr {
    return guarded(source, () => {
      const { tokens } = new Lexer(source).lex();
      const functions = status ? STATUS_FUNCTIONS : [];
      return new Parser(tokens, this.#names, functions).parse();
    });
  }

  evaluate(expr: Expr, status: StatusFunctions | undefined): data.ExpressionData {
    return new Evaluator(expr, this.#contexts, status && statusDefinitions(status)).evaluate();
  }

  template(template: string): unknown {
    if (!hasExpression(template)) return template;
    const parsed = parseTemplate(template);
    if (!parsed.ok) {
      throw new EvaluationError(
        `invalid template "${shorten(template)}": ${parsed.message} (at offset ${parsed.offset})`,
        template,
      );
    }
    const { parts } = parsed;
    const expressions = parts.filter((part) => part.kind === 'expression');
    const [only] = expressions;
    const blankText = parts.every((part) => part.kind === 'expression' || part.text.trim() === '');
    if (only && expressions.length === 1 && blankText) {
      const source = only.source;
      return guarded(source, () =>
        toPlain(this.evaluate(this.parse(source, undefined), undefined)),
      );
    }
    let text = '';
    for (const part of parts) {
      if (part.kind === 'text') {
        text += part.text;
      } else {
        const source = part.source;
        text += guarded(source, () =>
          toText(this.evaluate(this.parse(source, undefined), undefined)),
        );
      }
    }
    return text;
  }
}

/** Runs `work`, turning whatever it throws into an EvaluationError about `source`. */
function guarded<T>(source: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof EvaluationError) throw error;
    const subject =
      source === '' ? 'cannot evaluate value' : `cannot evaluate "${shorten(source)}"`;
    throw new EvaluationError(`${subject}: ${reason(error)}`, source, { cause: error });
  }
}

/** A library error's message without the full expression it repeats, plus its cause's message. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let message = error.message.replace(
    /\.?\s*Located at position (\d+) within expression:.*$/s,
    ' at position $1',
  );
  if (message === 'ErrorExceededMaxLength') {
    message = 'expression is longer than 21,000 characters, the most the language allows';
  }
  if (error.cause instanceof Error) message += `: ${error.cause.message}`;
  // The library's fromJSON and toJSON recurse; report a blown stack as what it means.
  return message.replace(/Maximum call stack size exceeded/, 'value is nested too deeply');
}

/** The status functions for the Evaluator, by lower-case name (how it looks them up). */
function statusDefinitions(status: StatusFunctions): Map<string, FunctionDefinition> {
  const implementations: Record<string, () => boolean> = {
    success: () => status.success(),
    failure: () => status.failure(),
    always: () => status.always(),
    cancelled: () => status.cancelled(),
  };
  const definitions = new Map<string, FunctionDefinition>();
  for (const info of STATUS_FUNCTIONS) {
    const name = info.name.toLowerCase();
    const implementation = implementations[name];
    if (!implementation) throw new Error(`no implementation of status function ${info.name}()`);
    definitions.set(name, { ...info, call: () => new data.BooleanData(implementation()) });
  }
  return definitions;
}

const STATUS_NAMES = new Set(STATUS_FUNCTIONS.map((info) => info.name.toLowerCase()));

/** Whether the expression calls success(), failure(), always() or cancelled() anywhere. */
function callsStatusFunction(root: Expr): boolean {
  return callsOneOf(root, STATUS_NAMES);
}

/**
 * Whether an `if:` condition (bare or wrapped) calls one of these status functions, e.g. a
 * cleanup node's `always()`; false when it does not parse (it then fails when evaluated).
 */
export function conditionCalls(source: string, names: readonly string[]): boolean {
  const expression = singleExpression(source) ?? source.trim();
  try {
    const { tokens } = new Lexer(expression).lex();
    const parsed = new Parser(tokens, [...CONTEXTS], STATUS_FUNCTIONS).parse();
    return callsOneOf(parsed, new Set(names.map((n) => n.toLowerCase())));
  } catch {
    return false;
  }
}

function callsOneOf(root: Expr, names: ReadonlySet<string>): boolean {
  const stack: Expr[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node instanceof FunctionCall) {
      if (names.has(node.functionName.lexeme.toLowerCase())) return true;
      stack.push(...node.args);
    } else if (node instanceof Logical) {
      stack.push(...node.args);
    } else if (node instanceof Binary) {
      stack.push(node.left, node.right);
    } else if (node instanceof Unary) {
      stack.push(node.expr);
    } else if (node instanceof Grouping) {
      stack.push(node.group);
    } else if (node instanceof IndexAccess) {
      stack.push(node.expr, node.index);
    }
  }
  return false;
}
