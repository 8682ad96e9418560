/**
 * Parses one expression with GitHub's own parser (`@actions/expressions`) and reports what it
 * refers to, so the compiler can reject unknown contexts, functions, fields and `needs` targets.
 */
import { data, Lexer, Parser, type Expr } from '@actions/expressions';
import {
  ContextAccess,
  FunctionCall,
  IndexAccess,
  Literal,
  Logical,
  Binary,
  Unary,
  Grouping,
} from '@actions/expressions/ast';
import { CONTEXTS, STATUS_FUNCTIONS, type ContextName } from './language.js';
import { hasExpression, parseTemplate } from './template.js';

export interface ExpressionScope {
  contexts: readonly ContextName[];
  /** Whether success()/failure()/always()/cancelled() may be called (only in `if:`). */
  statusFunctions: boolean;
}

/** A chain of property names read from a context: `needs.build.output.id` → ['needs','build','output','id']. */
export type Reference = string[];

export type ExpressionCheck =
  { ok: true; references: Reference[]; calls: string[] } | { ok: false; message: string };

export function parseExpression(
  source: string,
  scope: ExpressionScope,
): { ok: true; expr: Expr } | { ok: false; message: string } {
  try {
    const { tokens } = new Lexer(source).lex();
    const functions = scope.statusFunctions ? STATUS_FUNCTIONS : [];
    return {
      ok: true,
      expr: new Parser(tokens, [...scope.contexts], functions).parse(),
    };
  } catch (error) {
    return { ok: false, message: explain(error, source, scope) };
  }
}

export function checkExpression(source: string, scope: ExpressionScope): ExpressionCheck {
  const parsed = parseExpression(source, scope);
  if (!parsed.ok) return parsed;
  const references: Reference[] = [];
  const calls: string[] = [];
  collect(parsed.expr, references, calls);
  return { ok: true, references, calls };
}

/**
 * What the `${{ }}` parts of a template read, each as a property chain (`['event', 'pr',
 * 'number']`; a chain stops at a computed index); undefined when one of them does not parse.
 */
export function templateReferences(template: string): Reference[] | undefined {
  if (!hasExpression(template)) return [];
  const parsed = parseTemplate(template);
  if (!parsed.ok) return undefined;
  const references: Reference[] = [];
  for (const part of parsed.parts) {
    if (part.kind !== 'expression') continue;
    const checked = checkExpression(part.source, { contexts: CONTEXTS, statusFunctions: false });
    if (!checked.ok) return undefined;
    references.push(...checked.references);
  }
  return references;
}

/** Contexts people reach for from GitHub Actions, and what to write instead. */
const FOREIGN_CONTEXTS: Record<string, string> = {
  github:
    'there is no "github" context; forgeflow\'s is "event" (event.sha, event.pr.number, event.repo.full_name)',
  steps: 'there is no "steps" context; a job\'s result is "needs.<job>.output"',
  job: 'there is no "job" context; use "matrix", "env" or "run"',
};

function explain(error: unknown, fullSource: string, scope: ExpressionScope): string {
  const source = shorten(fullSource);
  const message = error instanceof Error ? error.message : String(error);
  const context = /Unrecognized named-value: '([^']*)'/.exec(message);
  if (context) {
    const name = (context[1] ?? '').toLowerCase();
    const foreign = FOREIGN_CONTEXTS[name];
    if (foreign) return `${foreign} ("${source}")`;
    if (name === 'secrets') {
      return `secrets may be read only where a value goes to a handler when an attempt starts ("with:", "poll.with:", "env:"), never where a value is evaluated and kept outside an attempt, as here ("${source}")`;
    }
    if (name === 'output') {
      return `"output" exists only in poll.with and poll.until, where it is the latest call's output; another job's output is needs.<job>.output ("${source}")`;
    }
    if (CONTEXTS.includes(name as ContextName)) {
      return `"${name}" is not available here ("${source}"); available: ${scope.contexts.join(', ')}`;
    }
    return `unknown context "${context[1]}" in "${source}"; available here: ${scope.contexts.join(', ')}`;
  }
  const fn = /Unrecognized function: '([^']*)'/.exec(message);
  if (fn) {
    const name = fn[1] ?? '';
    if (!scope.statusFunctions && STATUS_FUNCTIONS.some((f) => f.name === name.toLowerCase())) {
      return `${name}() may only be used in "if:" ("${source}")`;
    }
    return `unknown function "${name}" in "${source}"`;
  }
  if (message.includes('ErrorExceededMaxLength')) {
    return `expression "${source}" is longer than 21,000 characters, the most GitHub's expression language allows`;
  }
  if (message.includes('ErrorExceededMaxDepth'))
    return `expression "${source}" is nested too deeply`;
  const reason = message.replace(/\.?\s*Located at position.*$/s, '');
  return `invalid expression "${source}": ${shorten(reason)}`;
}

/** Long expressions are cut in messages: the caret already shows where they are. */
export function shorten(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Walks the tree, recording context property chains and function names. */
function collect(node: Expr, references: Reference[], calls: string[]): void {
  const chain = propertyChain(node);
  if (chain) {
    references.push(chain.names);
    for (const rest of chain.dynamic) collect(rest, references, calls);
    return;
  }
  if (node instanceof FunctionCall) {
    calls.push(node.functionName.lexeme.toLowerCase());
    for (const arg of node.args) collect(arg, references, calls);
  } else if (node instanceof Logical) {
    for (const arg of node.args) collect(arg, references, calls);
  } else if (node instanceof Binary) {
    collect(node.left, references, calls);
    collect(node.right, references, calls);
  } else if (node instanceof Unary) {
    collect(node.expr, references, calls);
  } else if (node instanceof Grouping) {
    collect(node.group, references, calls);
  } else if (node instanceof IndexAccess) {
    collect(node.expr, references, calls);
    collect(node.index, references, calls);
  }
}

/** `a.b['c'].d[x]` → names [a,b,c,d] (stopping at the first computed index) and the computed parts. */
function propertyChain(node: Expr): { names: string[]; dynamic: Expr[] } | undefined {
  const indexes: Expr[] = [];
  let current = node;
  while (current instanceof IndexAccess) {
    indexes.unshift(current.index);
    current = current.expr;
  }
  if (!(current instanceof ContextAccess)) return undefined;
  const names = [current.name.lexeme.toLowerCase()];
  const dynamic: Expr[] = [];
  let literal = true;
  for (const index of indexes) {
    if (literal && index instanceof Literal && index.literal instanceof data.StringData) {
      names.push(index.literal.value);
    } else {
      literal = false;
      if (!(index instanceof Literal)) dynamic.push(index);
    }
  }
  return { names, dynamic };
}
