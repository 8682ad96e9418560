/**
 * Script injection through argv and env (DESIGN.md §2): no `${{ }}` may reach the code a shell
 * or an interpreter runs, choose the program, stand where an interpreter still reads options,
 * or set a variable that makes programs run code. The argv of every `exec` input is read
 * against the program tables of src/common (the same ones the exec handler uses), and every
 * `env:` (the pipeline's, a job's, exec's) against the list of variables that run code.
 */
import { analyzeArgv, type ArgShape, type Finding } from '../../common/argv-analysis.js';
import { codeEnvReason, commandEnvReason, programName } from '../../common/exec-rules.js';
import { checkExpression, shorten } from '../../expressions/check.js';
import { CONTEXTS } from '../../expressions/language.js';
import { hasExpression, OPEN, parseTemplate } from '../../expressions/template.js';
import type { Path } from '../yaml-source.js';
import { type CheckContext, type Dict, dict, isDict, jobsOf } from './context.js';

/** Handlers whose input runs a program: where its argv, environment and directory are. */
const PROGRAM_RUNNERS: Readonly<Record<string, { argv: string; env: string; cwd: string }>> = {
  exec: { argv: 'command', env: 'env', cwd: 'cwd' },
};

const SAFE = 'set the value under "with.env" and read it as';

export function checkExecInjection(ctx: CheckContext, pipeline: unknown): void {
  const top = dict(pipeline);
  checkEnvNames(ctx, ['env'], top.env);
  for (const [id, job] of jobsOf(pipeline)) {
    checkEnvNames(ctx, ['jobs', id, 'env'], job.env);
    checkRunner(ctx, ['jobs', id], job);
    if (isDict(job.poll)) checkRunner(ctx, ['jobs', id, 'poll'], job.poll);
  }
}

function checkRunner(ctx: CheckContext, base: Path, owner: Dict): void {
  const fields = typeof owner.uses === 'string' ? PROGRAM_RUNNERS[owner.uses] : undefined;
  if (!fields || !isDict(owner.with)) return;
  const input = owner.with;
  const at = [...base, 'with'];
  const argv = input[fields.argv];
  if (typeof argv === 'string' && hasExpression(argv)) {
    ctx.reportAt(
      firstExpressionSpan(ctx, [...at, fields.argv], argv),
      'script-injection',
      `"${fields.argv}" is one expression, so forgeflow cannot tell which program runs or whether a value reaches a shell's code (script injection); write the argv as a list, each value one item of it`,
    );
  } else if (Array.isArray(argv)) {
    checkArgv(ctx, [...at, fields.argv], argv);
    checkCwd(ctx, [...at, fields.cwd], input[fields.cwd], argv[0]);
  }
  const env = input[fields.env];
  if (typeof env === 'string' && hasExpression(env)) {
    ctx.reportAt(
      firstExpressionSpan(ctx, [...at, fields.env], env),
      'script-injection',
      `"${fields.env}" is one expression, so its variable names are unknown and could be ones that make programs run code (BASH_ENV, LD_PRELOAD); write it as a mapping with literal names`,
    );
  } else {
    checkEnvNames(ctx, [...at, fields.env], env);
  }
}

/** The caret under the first `${{ … }}` of a string (under `${{` alone when it does not parse). */
function firstExpressionSpan(ctx: CheckContext, path: Path, value: unknown) {
  const text = typeof value === 'string' ? value : '';
  const parsed = parseTemplate(text);
  const first = parsed.ok ? parsed.parts.find((p) => p.kind === 'expression') : undefined;
  const length = first?.kind === 'expression' ? first.source.length + 7 : OPEN.length;
  return ctx.locator.expressionSpan(path, 0, length);
}

/** Contexts whose values the config or forgeflow sets, never an event or a step's output. */
const CONFIG_CONTEXTS: ReadonlySet<string> = new Set(['matrix', 'run']);

interface Shape extends ArgShape {
  /** Whether a spliced value may carry data from outside the config (an event, an output). */
  outside: boolean;
  /** The first such expression (or the first one), for the message. */
  expression: string;
}

/** An argument's literal beginning, whether it holds `${{ }}`, and whether that reads outside data. */
function shapeOf(value: unknown): Shape {
  if (typeof value !== 'string' || !hasExpression(value))
    return {
      prefix: typeof value === 'string' ? value : '',
      dynamic: false,
      outside: false,
      expression: '',
    };
  const prefix = value.slice(0, value.indexOf(OPEN));
  const parsed = parseTemplate(value);
  if (!parsed.ok) return { prefix, dynamic: true, outside: true, expression: '…' };
  const sources = parsed.parts.flatMap((p) => (p.kind === 'expression' ? [p.source] : []));
  const outside = sources.find(readsOutsideData);
  return {
    prefix,
    dynamic: true,
    outside: outside !== undefined,
    expression: outside ?? sources[0] ?? '…',
  };
}

function readsOutsideData(source: string): boolean {
  const checked = checkExpression(source, { contexts: CONTEXTS, statusFunctions: false });
  return !checked.ok || checked.references.some(([context]) => !CONFIG_CONTEXTS.has(context ?? ''));
}

/**
 * A value read only from `matrix` and `run` is the config's own: it may be code. But where the
 * analysis cannot see what such a value is (an option? the script?), the arguments after it
 * cannot be placed either, and any that carry outside data are refused.
 */
function checkArgv(ctx: CheckContext, path: Path, argv: readonly unknown[]): void {
  const shapes = argv.map(shapeOf);
  const findings = analyzeArgv(shapes);
  const reported = new Set<number>();
  let blind: { index: number; finding: Finding } | undefined;
  for (const finding of findings) {
    const shape = shapes[finding.index]!;
    if (shape.outside || finding.kind === 'program') {
      report(finding, explain(finding, shown(shape)));
    } else if (finding.kind !== 'code' && finding.kind !== 'everything') {
      blind ??= { index: finding.index, finding };
    }
  }
  if (!blind) return;
  const after = shown(shapes[blind.index]!);
  shapes.forEach((shape, index) => {
    if (index <= blind.index || !shape.outside || reported.has(index)) return;
    report(
      { ...blind.finding, index },
      `${shown(shape)} comes after ${after}, whose value decides how "${blind.finding.program}" reads the arguments after it, so this value could become code; write ${after} literally, or ${SAFE} ${blind.finding.readEnv}`,
    );
  });

  function report(finding: Finding, message: string): void {
    reported.add(finding.index);
    ctx.reportAt(
      firstExpressionSpan(ctx, [...path, finding.index], argv[finding.index]),
      'script-injection',
      message,
    );
  }
}

function shown(shape: Shape): string {
  return `"\${{ ${shorten(shape.expression, 60)} }}"`;
}

function explain(finding: Finding, shown: string): string {
  const { program, readEnv } = finding;
  switch (finding.kind) {
    case 'program':
      return `the program to run must be written literally: ${shown} would let a value choose it (values may follow the program as its arguments)`;
    case 'code':
      return `${shown} is pasted into the code that "${program}" runs (script injection); ${SAFE} ${readEnv}`;
    case 'script':
      return `${shown} would choose the script or module that "${program}" runs; name it literally, and pass values after it or under "with.env"`;
    case 'option':
      return finding.why === ''
        ? `${shown} stands where "${program}" still reads its options, and a value there can become one that runs code; put it after "--" or after the script, or ${SAFE} ${readEnv}`
        : `${shown} could become an option of ${program} such as ${finding.why}, which runs a command; put it after "--", or glue it to the option that takes it (--option=\${{ … }})`;
    case 'assignment':
      return finding.why === ''
        ? `${shown} could set any variable for the program ${program} runs (BASH_ENV=…), or name that program; write NAME=\${{ … }} with a literal name`
        : `${finding.why} (script injection)`;
    case 'everything':
      return `${shown} may not be an argument of ${program}: ${finding.why}; ${SAFE} ${readEnv}`;
  }
}

/** A value-chosen working directory with a relative program lets the value choose the file run. */
function checkCwd(ctx: CheckContext, path: Path, cwd: unknown, program: unknown): void {
  if (typeof cwd !== 'string' || !hasExpression(cwd) || typeof program !== 'string') return;
  if (hasExpression(program) || !program.includes('/') || program.startsWith('/')) return;
  ctx.reportAt(
    firstExpressionSpan(ctx, path, cwd),
    'script-injection',
    `"cwd" holds "\${{ }}" and the program "${programName(program)}" is named by a relative path (${program}), so a value would choose the file that runs; write cwd literally or name the program by an absolute path`,
  );
}

/** Variables that run code are refused whatever their value; those that name a program, if computed. */
function checkEnvNames(ctx: CheckContext, path: Path, env: unknown): void {
  if (!isDict(env)) return;
  for (const [name, value] of Object.entries(env)) {
    const code = codeEnvReason(name);
    if (code !== undefined) {
      ctx.report(
        [...path, name],
        'script-injection',
        `"${name}" ${code}; env may not set it, whatever its value (script injection)`,
        'key',
      );
      continue;
    }
    const command = commandEnvReason(name);
    if (command !== undefined && typeof value === 'string' && hasExpression(value)) {
      ctx.reportAt(
        firstExpressionSpan(ctx, [...path, name], value),
        'script-injection',
        `"${name}" ${command}, so its value may not come from "\${{ }}" (script injection); write it literally`,
      );
    }
  }
}
