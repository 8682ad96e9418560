/** `uses:` names a known handler, `with:` fits its input schema, and scripts take no `${{ }}`. */
import { hasExpression } from '../../expressions/template.js';
import type { HandlerSpec } from '../../contracts/handler-spec.js';
import { pointerToPath, schemaDiagnostics, valueAt } from '../schema-errors.js';
import { closest } from '../suggest.js';
import { handlerInputValidator } from '../../contracts/handler-input.js';
import type { Path } from '../yaml-source.js';
import { type CheckContext, dict, jobsOf } from './context.js';

export function checkHandlers(ctx: CheckContext, pipeline: unknown): void {
  for (const [id, job] of jobsOf(pipeline)) {
    checkUse(ctx, ['jobs', id], job.uses, job.with, `job "${id}"`);
    const poll = dict(job.poll);
    if (job.poll !== undefined)
      checkUse(ctx, ['jobs', id, 'poll'], poll.uses, poll.with, `the poll of job "${id}"`);
  }
}

function checkUse(
  ctx: CheckContext,
  base: Path,
  uses: unknown,
  input: unknown,
  owner: string,
): void {
  if (typeof uses !== 'string' || hasExpression(uses)) return; // the expression check reports it
  const spec = ctx.handlers.get(uses);
  if (!spec) {
    const suggestion = closest(uses, ctx.handlers.keys());
    const hint = suggestion
      ? `did you mean "${suggestion}"?`
      : `known handlers: ${[...ctx.handlers.keys()].sort().join(', ')}`;
    ctx.report([...base, 'uses'], 'handler', `unknown handler "${uses}"; ${hint}`);
    return;
  }
  const data = input === undefined ? {} : input;
  if (input !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data)))
    return; // the schema reports it
  checkScripts(ctx, base, spec, dict(data));
  const validate = handlerInputValidator(spec.input);
  if (validate(data)) return;
  // A `${{ }}` string stands for a value known only at run time: it may turn into any type.
  const errors = (validate.errors ?? []).filter((error) => {
    const value = valueAt(data, pointerToPath(error.instancePath));
    return !(
      typeof value === 'string' &&
      hasExpression(value) &&
      ['type', 'enum', 'const', 'pattern', 'format', 'anyOf', 'oneOf'].includes(error.keyword)
    );
  });
  const withPath = [...base, 'with'];
  ctx.diagnostics.push(
    ...schemaDiagnostics(errors, data, {
      file: ctx.file,
      locator: ctx.locator,
      base: withPath,
      rule: 'input',
      describe: (path) =>
        path.length <= withPath.length
          ? `in the input of ${owner} (handler ${spec.name})`
          : `in "with.${path.slice(withPath.length).join('.')}" of ${owner}`,
    }).map((d) => (input === undefined ? { ...d, ...ctx.locator.span([...base, 'uses']) } : d)),
  );
}

function checkScripts(
  ctx: CheckContext,
  base: Path,
  spec: HandlerSpec,
  input: Record<string, unknown>,
): void {
  for (const field of spec.scriptFields ?? []) {
    const script = input[field];
    if (typeof script === 'string' && hasExpression(script)) {
      const path = [...base, 'with', field];
      ctx.reportAt(
        ctx.locator.expressionSpan(path, 0, 3),
        'script-injection',
        `"\${{ }}" inside a shell script is pasted into the script before the shell runs it (script injection); set the value under "with.env" and read it as "$NAME"`,
      );
    }
  }
}
