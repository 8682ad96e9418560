/**
 * What the `forgeflow runs` commands share: the client of the server (--server, --token, and
 * their environment variables), --format json, the checks of their options, and a run named
 * by the start of its id.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../../contracts/duration.js';
import { ApiClient, ApiError, DEFAULT_SERVER } from '../api-client.js';
import { EXIT, UsageError, type Io } from '../io.js';
import type { RunList } from '../run-text.js';

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX_PAGES = 5;

/**
 * A full run id as it is; the start of one (at least 4 characters, as a list shows 8) looked up
 * among the newest 1,000 runs, child runs included. The API has no lookup by prefix.
 */
export async function resolveRunId(api: ApiClient, text: string): Promise<string> {
  if (UUID.test(text)) return text.toLowerCase();
  const prefix = text.toLowerCase();
  if (!/^[0-9a-f]{4}[0-9a-f-]{0,31}$/.test(prefix))
    throw new UsageError(`"${text}" is not a run id (a UUID, or its first 4 or more characters)`);
  const found = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < PREFIX_PAGES; page++) {
    const list = await api.get<RunList>('/api/v1/runs', { children: true, limit: 200, cursor });
    for (const run of list.runs) if (run.id.startsWith(prefix)) found.add(run.id);
    if (list.next_cursor === null) break;
    cursor = list.next_cursor;
  }
  const [first, ...others] = found;
  if (first === undefined)
    throw new ApiError({
      status: 404,
      code: 'RUN_NOT_FOUND',
      detail: `no run among the newest ${PREFIX_PAGES * 200} starts with "${prefix}": give the full id`,
    });
  if (others.length > 0)
    throw new UsageError(
      `"${text}" is the start of ${others.length + 1} runs (${[first, ...others].slice(0, 5).join(', ')}${others.length > 4 ? ', …' : ''}): give more of the id`,
    );
  return first;
}
