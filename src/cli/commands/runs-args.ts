/**
 * What the `forgeflow runs` commands share: the client of the server (--server, --token, and
 * their environment variables), --format json, the checks of their options, and a run named
 * by the start of its id.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../../contracts/duration.js';
import { RUN_ID, RUN_ID_PREFIX, RUN_ID_PREFIX_MIN_DIGITS } from '../../contracts/run-id.js';
import { ApiClient, ApiError, DEFAULT_SERVER } from '../api-client.js';
import { EXIT, UsageError, type Io } from '../io.js';
import type { RunList, RunSummary } from '../run-text.js';

export const COMMON = '[--server URL] [--token T] [--format text|json]';

const COMMON_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

export interface Common {
  server?: string | undefined;
  token?: string | undefined;
  json: boolean;
}

export function client(values: Common, env: NodeJS.ProcessEnv): ApiClient {
  const nonEmpty = (text: string | undefined) =>
    text === undefined || text.trim() === '' ? undefined : text.trim();
  return new ApiClient({
    server: nonEmpty(values.server) ?? nonEmpty(env.FORGEFLOW_SERVER) ?? DEFAULT_SERVER,
    token: nonEmpty(values.token) ?? nonEmpty(env.FORGEFLOW_API_TOKEN) ?? null,
  });
}

export function json(io: Io, value: unknown): number {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof COMMON_OPTIONS & O }>
>['values'];

/** The command's options (and the common ones), and exactly the positionals `names` says. */
export function parse<const O extends Options, const N extends readonly string[]>(
  args: string[],
  options: O,
  names: N,
): { values: Values<O> & { json: boolean }; positionals: { [K in keyof N]: string } } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, ...options },
  });
  // One spelling for machine output, as validate and plan have: --format json.
  const { format: asked } = values as { format?: string };
  const format = oneOf('--format', asked, ['text', 'json'] as const);
  return {
    values: { ...values, json: format === 'json' },
    positionals: expectPositionals(positionals, names),
  };
}

/** The client for the server, and the full id of the run `idText` names. */
export async function target(
  values: Common,
  idText: string,
  env: NodeJS.ProcessEnv,
): Promise<{ api: ApiClient; id: string }> {
  const api = client(values, env);
  return { api, id: await resolveRunId(api, idText) };
}

export function expectPositionals<const N extends readonly string[]>(
  positionals: string[],
  names: N,
): { [K in keyof N]: string } {
  if (positionals.length < names.length)
    throw new UsageError(`missing ${names.slice(positionals.length).join(' and ')}`);
  if (positionals.length > names.length)
    throw new UsageError(
      `unexpected argument "${positionals[names.length]}"${names.length === 0 ? ': this command takes options only' : ''}`,
    );
  return positionals as unknown as { [K in keyof N]: string };
}

export function integer(
  flag: string,
  text: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(
      `${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}; got "${text}"`,
    );
  return n;
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

export function sha(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-f]{7,40}$/i.test(value))
    throw new UsageError(
      `--sha must be a commit sha or its first 7 or more hex digits; got "${value}"`,
    );
  return value.toLowerCase();
}

/** An ISO time, or a duration back from now (`2h`, `7d`). */
export function since(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const back = parseDuration(value);
  if (back !== undefined) return new Date(now - back).toISOString();
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(
      `--since must be an ISO time (2025-06-01T12:00:00Z) or a duration back from now (30m, 2h, 7d); got "${value}"`,
    );
  return at.toISOString();
}

/** How many runs an ambiguous start of an id lists. */
const CANDIDATES = 5;

/**
 * A full run id as it is; the start of one (RUN_ID_PREFIX: 4 or more of its hex digits, as a
 * list shows 8) looked up by the server, child runs included: one request, which answers the
 * newest few runs with that start.
 */
export async function resolveRunId(api: ApiClient, text: string): Promise<string> {
  if (RUN_ID.test(text)) return text.toLowerCase();
  if (!RUN_ID_PREFIX.test(text))
    throw new UsageError(
      `"${text}" is not a run id (a UUID, or its first ${RUN_ID_PREFIX_MIN_DIGITS} or more hex digits)`,
    );
  const prefix = text.toLowerCase();
  const found = await api.get<RunList>('/api/v1/runs', {
    id_prefix: prefix,
    children: true,
    limit: CANDIDATES,
  });
  const [first, ...others] = found.runs;
  if (first === undefined)
    throw new ApiError({
      status: 404,
      code: 'RUN_NOT_FOUND',
      detail: `no run's id starts with "${prefix}"`,
    });
  if (others.length === 0) return first.id;
  const which =
    found.next_cursor === null
      ? `${found.runs.length} runs; give more of the id:`
      : `more than ${CANDIDATES} runs; give more of the id. The newest ${CANDIDATES}:`;
  throw new UsageError(
    `"${text}" is the start of ${which}\n${found.runs.map(candidate).join('\n')}`,
  );
}

/** One line of an ambiguous start's list: enough to tell the runs apart. */
function candidate(run: RunSummary): string {
  const child = run.parent_run_id === null ? '' : `  (child run of ${run.parent_run_id})`;
  return `  ${run.id}  ${run.status}  ${run.pipeline}  ${run.repo}  created ${run.created_at}${child}`;
}
