/**
 * How `${{ secrets.NAME }}` may be used (DESIGN.md §2). A value that reads a secret, directly or
 * through an env variable set from one, is kept as written until an attempt starts and is then
 * evaluated with the secrets alone (src/expressions/secrets.ts), so it may read nothing else;
 * env variables set from secrets are read only where secrets are; and exec takes secrets only
 * through its env (an argument or a directory is visible to every process on the host).
 */
import { checkExpression, shorten, type Reference } from '../../expressions/check.js';
import { CONTEXTS } from '../../expressions/language.js';
import { secretEnvNames } from '../../expressions/secrets.js';
import { hasExpression, parseTemplate } from '../../expressions/template.js';
import type { Path } from '../yaml-source.js';
import { type CheckContext, type Dict, dict, isDict, jobsOf } from './context.js';
import { siteOf, walkStrings } from './expressions.js';

/** Inputs of handlers that run a program: the one field that may take secrets. */
const PROGRAM_ENV: Readonly<Record<string, string>> = { exec: 'env' };

export function checkSecretUse(ctx: CheckContext, pipeline: unknown): void {
  const pipelineEnv = stringMap(dict(pipeline).env);
  const jobs = new Map(jobsOf(pipeline));
  const secretEnvOf = new Map<string | undefined, Set<string>>([
    [undefined, secretEnvNames(pipelineEnv)],
  ]);
  for (const [id, job] of jobs)
    secretEnvOf.set(id, secretEnvNames({ ...pipelineEnv, ...stringMap(job.env) }));

  walkStrings(pipeline, [], (value, path) => {
    const site = siteOf(path);
    if (!site) return;
    // `if:` and `until` may be one bare expression, without `${{ }}`.
    const bare = site.bare && !hasExpression(value);
    const parsed = bare ? undefined : parseTemplate(value);
    if (parsed && !parsed.ok) return; // the expression check reports it
    const sources = parsed
      ? parsed.parts.flatMap((part) => (part.kind === 'expression' ? [part.source] : []))
      : [value];
    const secretEnv = secretEnvOf.get(site.job) ?? new Set<string>();
    const read = sources.map((source, occurrence) => {
      const checked = checkExpression(source, { contexts: CONTEXTS, statusFunctions: true });
      const refs = checked.ok ? checked.references : [];
      return {
        source,
        occurrence,
        secret: refs.filter((r) => isSecret(r, secretEnv)),
        other: refs.filter((r) => !isSecret(r, secretEnv)),
      };
    });
    const secret = read.find((r) => r.secret.length > 0);
    if (!secret) return;
    const at = (occurrence: number, source: string) =>
      bare
        ? ctx.locator.span(path)
        : ctx.locator.expressionSpan(path, occurrence, source.length + 7);
    if (!site.scope.contexts.includes('secrets')) {
      // `secrets` itself is refused here by the parser; an env variable set from one is not.
      for (const r of read)
        for (const ref of r.secret)
          if (ref[0] === 'env')
            ctx.reportAt(
              at(r.occurrence, r.source),
              'expression',
              `"${ref.join('.')}" is set from a secret, and secrets may be read only where a value goes to a handler when an attempt starts ("with:", "poll.with:", "env:"), never where a value is evaluated and kept outside an attempt, as here`,
            );
      return;
    }
    const exec = execField(path, jobs);
    if (exec !== undefined) {
      ctx.reportAt(
        at(secret.occurrence, secret.source),
        'expression',
        `a secret in "${exec}" of exec would be on the program's command line or path, where every process on the host can read it; set it under "with.env" and read it as "$NAME"`,
      );
      return;
    }
    // `secrets[…]` and `toJSON(secrets)` are refused already (read a secret by its name).
    const named = read.every((r) => r.secret.every((ref) => ref.length > 1));
    const mixed = read.find((r) => r.other.length > 0);
    if (mixed && named)
      ctx.reportAt(
        at(mixed.occurrence, mixed.source),
        'expression',
        `"${shorten(mixed.other[0]!.join('.'))}" is in a value that reads a secret ("${secret.secret[0]!.join('.')}"): such a value is evaluated only when the attempt starts, with the secrets alone; put "${shorten(mixed.source)}" in a value of its own`,
      );
  });
}

function isSecret([context, name]: Reference, secretEnv: ReadonlySet<string>): boolean {
  return context === 'secrets' || (context === 'env' && name !== undefined && secretEnv.has(name));
}

/** For a string in the input of exec outside its env: the field's name ("command", "cwd"). */
function execField(path: Path, jobs: ReadonlyMap<string, Dict>): string | undefined {
  const [top, id, field, sub, subSub] = path;
  const job = top === 'jobs' && typeof id === 'string' ? jobs.get(id) : undefined;
  if (!job) return undefined;
  let owner: Dict;
  let input: string | number | undefined;
  if (field === 'with') [owner, input] = [job, sub];
  else if (field === 'poll' && sub === 'with') [owner, input] = [dict(job.poll), subSub];
  else return undefined;
  const envField = typeof owner.uses === 'string' ? PROGRAM_ENV[owner.uses] : undefined;
  if (envField === undefined || input === envField) return undefined;
  return String(input ?? 'with');
}

function stringMap(value: unknown): Record<string, string> {
  if (!isDict(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}
