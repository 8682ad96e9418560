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
import { STATUS_FUNCTIONS, type ContextName } from './language.js';

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

function explain(error: unknown, source: string, scope: ExpressionScope): string {
  const message = error instanceof Error ? error.message : String(error);
  const context = /Unrecognized named-value: '([^']*)'/.exec(message);
  if (context) {
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
  return `invalid expression "${source}": ${message.replace(/\.?\s*Located at position.*$/, '')}`;
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
