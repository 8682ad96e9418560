/**
 * `forgeflow runs list|show|history|cancel|retry|signal`: the runs of a forgeflow server, read
 * and steered through its REST API (docs/api.md). Tables on a terminal (colour only on a TTY),
 * `--format json` prints the server's answer for scripts. The server is `--server`, else
 * FORGEFLOW_SERVER, else http://localhost:8080; the token `--token`, else FORGEFLOW_API_TOKEN.
 * Exit codes: 0 on a 2xx answer, 1 on an error answer or an unreachable server, 2 usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Static } from 'typebox';
import {
  RUN_STATUSES,
  TRIGGERS,
  type ErrorInfoSchema,
  type HistorySchema,
  type RunDetailSchema,
  type RunListSchema,
} from '../../api/schemas.js';
import { parseDuration } from '../../contracts/duration.js';
import { SIGNAL_PATTERN } from '../../compiler/schema/common.js';
import type { Event } from '../../events/event.js';
import { ApiClient, ApiError, DEFAULT_SERVER, UnreachableError } from '../api-client.js';
import { didYouMean, flagsIn, unknownOption } from '../did-you-mean.js';
import { EXIT, isParseArgsError, paint, UsageError, type Io } from '../io.js';
import {
  fields,
  formatMs,
  paintStatus,
  relativeTime,
  shortId,
  shortSha,
  statusCell,
  table,
  timeAndAgo,
  type Cell,
} from '../tables.js';

type RunList = Static<typeof RunListSchema>;
type RunSummary = RunList['runs'][number];
type RunDetail = Static<typeof RunDetailSchema>;
type History = Static<typeof HistorySchema>;
type HistoryEntry = History['events'][number];
type ErrorInfo = Static<typeof ErrorInfoSchema>;
type Outcome = { outcome: string } & Record<string, unknown>;

const COMMON = '[--server URL] [--token T] [--format text|json]';
const USAGE = {
  list: `forgeflow runs list [--repo R] [--pipeline P] [--status S] [--trigger T] [--sha X] [--pr N] [--since TIME] [--children] [--limit N] [--cursor C | --all] ${COMMON}`,
  show: `forgeflow runs show ID ${COMMON}`,
  history: `forgeflow runs history ID [--after N] [--limit N] [--all] ${COMMON}`,
  cancel: `forgeflow runs cancel ID [--reason TEXT] ${COMMON}`,
  retry: `forgeflow runs retry ID ${COMMON}`,
  signal: `forgeflow runs signal ID NAME [--payload JSON] ${COMMON}`,
  start: `forgeflow runs start PIPELINE.yaml [--event PAYLOAD.json [--event-type T]] [--repo R] [--sha X] ${COMMON}`,
} as const;
type Sub = keyof typeof USAGE;

export const runsUsage = `forgeflow runs ${Object.keys(USAGE).join('|')} … ${COMMON} (forgeflow runs --help)`;

export const runsHelp = `usage: forgeflow runs <command> [options]

Reads and steers the runs of a forgeflow server through its API.

${Object.values(USAGE)
  .map((u) => `  ${u}`)
  .join('\n')}

  --server URL   the server (default: FORGEFLOW_SERVER, else ${DEFAULT_SERVER})
  --token T      its API token (default: FORGEFLOW_API_TOKEN); cancel, retry and signal need
                 it, reads too when the server runs with FORGEFLOW_API_READ=token
  --format json  the server's JSON answer as it is (list --all: every page's runs in one list)
  ID             a run id, or the start of one (the 8 characters a list shows)

  list: newest first, 50 a page (--limit up to 200); --all follows every page. --since takes
        an ISO time or a duration back from now (30m, 2h, 7d); --children adds polling child runs.
  history: 200 events a page (--limit up to 1000) from after --after N; --all reads to the end.
  signal: --payload is JSON when it parses, else the text itself.
  start: sends the pipeline file (and a webhook payload, else a manual event) to the server,
         which compiles and starts it; prints the run's id and page.
`;

const COMMON_OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  format: { type: 'string', default: 'text' },
} as const;

interface Common {
  server?: string | undefined;
  token?: string | undefined;
  json: boolean;
}

export async function runsCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(runsHelp);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!(name in USAGE)) {
    io.err(
      `forgeflow runs: unknown command "${name}"${didYouMean(name, Object.keys(USAGE))}\n\n${runsHelp}`,
    );
    return EXIT.usage;
  }
  const sub = name as Sub;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${USAGE[sub]}\n\n(forgeflow runs --help for every command and option)\n`);
    return EXIT.ok;
  }
  try {
    return await SUBCOMMANDS[sub](rest, io, env);
  } catch (error) {
    const unknown = unknownOption(error);
    if (unknown !== undefined) {
      io.err(
        `forgeflow runs ${sub}: unknown option "${unknown}"${didYouMean(unknown, flagsIn(USAGE[sub]))}\nusage: ${USAGE[sub]}\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`forgeflow runs ${sub}: ${(error as Error).message}\nusage: ${USAGE[sub]}\n`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      const { code, status, detail, title } = error.problem;
      io.err(`forgeflow runs ${sub}: ${code} (${status}): ${detail ?? title ?? ''}\n`);
      if (code === 'AUTH_REQUIRED' || code === 'AUTH_INVALID')
        io.err(
          code === 'AUTH_REQUIRED'
            ? "give the server's API token with --token or FORGEFLOW_API_TOKEN\n"
            : "the token given (--token or FORGEFLOW_API_TOKEN) is not this server's API token\n",
        );
      return EXIT.failed;
    }
    if (error instanceof UnreachableError) {
      io.err(`forgeflow runs ${sub}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

type Handler = (args: string[], io: Io, env: NodeJS.ProcessEnv) => Promise<number>;

const SUBCOMMANDS: Record<Sub, Handler> = {
  list: listCommand,
  show: showCommand,
  history: historyCommand,
  cancel: cancelCommand,
  retry: retryCommand,
  signal: signalCommand,
  start: startCommand,
};

// ---------------------------------------------------------------------------------------------
// list

async function listCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parse(
    args,
    {
      repo: { type: 'string' },
      pipeline: { type: 'string' },
      status: { type: 'string' },
      trigger: { type: 'string' },
      sha: { type: 'string' },
      pr: { type: 'string' },
      since: { type: 'string' },
      children: { type: 'boolean', default: false },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
    [],
  );
  const query = {
    repo: values.repo,
    pipeline: values.pipeline,
    status: oneOf('--status', values.status, RUN_STATUSES),
    trigger: oneOf('--trigger', values.trigger, TRIGGERS),
    sha: sha(values.sha),
    pr: values.pr === undefined ? undefined : integer('--pr', values.pr.replace(/^[#!]/, ''), 1),
    since: since(values.since),
    children: values.children ? true : undefined,
    limit: values.limit === undefined ? undefined : integer('--limit', values.limit, 1, 200),
  };
  const api = client(values, env);
  if (!values.all) {
    const page = await api.get<RunList>('/api/v1/runs', { ...query, cursor: values.cursor });
    if (values.json) return json(io, page);
    io.out(formatRunList(io, page.runs));
    if (page.next_cursor !== null)
      io.out(
        `\nmore: add --cursor ${page.next_cursor} for the next page, or --all for every one\n`,
      );
    return EXIT.ok;
  }
  const runs: RunSummary[] = [];
  let cursor = values.cursor;
  do {
    const page = await api.get<RunList>('/api/v1/runs', {
      ...query,
      limit: query.limit ?? 200,
      cursor,
    });
    runs.push(...page.runs);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  if (values.json) return json(io, { runs, next_cursor: null });
  io.out(formatRunList(io, runs));
  return EXIT.ok;
}

export function formatRunList(io: Io, runs: readonly RunSummary[], now = Date.now()): string {
  if (runs.length === 0) return 'no runs\n';
  return table(
    io,
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'PIPELINE', max: 24, min: 8 },
      { header: 'REPO', max: 32, min: 10 },
      { header: 'TRIGGER', max: 20, min: 7 },
      { header: 'COMMIT' },
      { header: 'STARTED', align: 'right' },
      { header: 'DURATION', align: 'right' },
    ],
    runs.map((run) => [
      shortId(run.id),
      statusCell(run.status),
      run.pipeline,
      run.repo,
      run.pr === null ? run.trigger : `${run.trigger} #${run.pr}`,
      shortSha(run.sha),
      run.started_at === null ? '' : relativeTime(run.started_at, now),
      run.duration_ms === null ? '' : formatMs(run.duration_ms),
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// show

async function showCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(args, {}, ['ID']);
  const { api, id } = await target(values, positionals[0], env);
  const run = await api.get<RunDetail>(`/api/v1/runs/${id}`);
  if (values.json) return json(io, run);
  io.out(formatRun(io, run));
  return EXIT.ok;
}

export function formatRun(io: Io, run: RunDetail, now = Date.now()): string {
  const head =
    `run ${run.id}  ${paintStatus(io, run.status)}` +
    (run.attempt > 1 ? ` (attempt ${run.attempt})` : '') +
    // Only while it is stopping: an ended run keeps the mark, but its status says it all.
    (run.stopping && run.finished_at === null
      ? paint(io, 'yellow', `  stopping: will end ${run.stopping}`)
      : '') +
    '\n';
  const when = (iso: string | null) => (iso === null ? '-' : timeAndAgo(iso, now));
  const entries: [string, string][] = [
    ['pipeline', run.pipeline],
    ['repo', run.repo],
    ['event', describeEvent(run.event as Partial<Event> | null, run.trigger)],
    ['commit', run.sha ?? '-'],
    ['created', when(run.created_at)],
    ['started', when(run.started_at)],
    ['finished', when(run.finished_at)],
  ];
  if (run.duration_ms !== null)
    entries.push(['duration', formatMs(run.duration_ms) + (run.finished_at ? '' : ' so far')]);
  if (run.deadline_at !== null) entries.push(['deadline', when(run.deadline_at)]);
  if (run.concurrency_group !== null) entries.push(['concurrency', run.concurrency_group]);
  if (run.parent !== null)
    entries.push(['parent', `${run.parent.run_id} (node ${run.parent.node_id})`]);
  entries.push(['nodes', describeStatuses(run.node_list)]);
  entries.push([
    'history',
    `${run.history_length} events (forgeflow runs history ${shortId(run.id)})`,
  ]);
  if (run.error !== null) entries.push(['error', describeError(run.error)]);
  let text = head + fields(io, entries);

  text +=
    '\n' +
    table(
      io,
      [
        { header: 'NODE', max: 32, min: 8 },
        { header: 'WHAT', max: 16, min: 4 },
        { header: 'STATUS' },
        { header: 'ATTEMPTS', align: 'right' },
        { header: 'DURATION', align: 'right' },
        { header: 'ERROR', min: 5 },
      ],
      run.node_list.map((node): Cell[] => [
        node.id,
        node.handler ?? node.kind,
        statusCell(node.status),
        node.attempt > 0 ? String(node.attempt) : '',
        node.duration_ms === null ? '' : formatMs(node.duration_ms),
        node.error === null ? '' : { text: node.error.type, style: 'red' },
      ]),
    );
  const errors = run.node_list.flatMap((node) =>
    node.error === null ? [] : [formatNodeError(io, node.id, node.error)],
  );
  if (errors.length > 0) text += '\nerrors\n' + errors.join('');
  if (run.children.length > 0)
    text +=
      '\nchild runs\n' +
      table(
        io,
        [
          { header: 'ID' },
          { header: 'NODE', max: 32 },
          { header: 'STATUS' },
          { header: 'CREATED', align: 'right' },
          { header: 'FINISHED', align: 'right' },
        ],
        run.children.map((child) => [
          child.id,
          child.node_id,
          statusCell(child.status),
          relativeTime(child.created_at, now),
          child.finished_at === null ? '' : relativeTime(child.finished_at, now),
        ]),
      );
  return text;
}

/** How many nodes are in each state, named (the list's summary lumps the rest as "other"). */
function describeStatuses(nodes: readonly { status: string }[]): string {
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
  const rank = (status: string) => {
    const at = STATUS_ORDER.indexOf(status);
    return at === -1 ? STATUS_ORDER.length : at;
  };
  const parts = [...counts]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([status, count]) => `${count} ${status.replace('_', ' ')}`);
  return `${nodes.length}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

const STATUS_ORDER = [
  'succeeded',
  'running',
  'waiting',
  'failed',
  'timed_out',
  'canceled',
  'skipped',
  'pending',
];

function describeEvent(event: Partial<Event> | null, trigger: string): string {
  if (event === null || typeof event !== 'object') return trigger;
  const parts = [event.forge, event.kind, event.action];
  const pr = event.pr;
  if (pr)
    parts.push(
      `#${pr.number} "${pr.title}"`,
      pr.head_ref && pr.base_ref ? `(${pr.head_ref} → ${pr.base_ref})` : '',
    );
  else if (event.tag) parts.push(`tag ${event.tag}`);
  else if (event.branch) parts.push(`branch ${event.branch}`);
  if (event.sender?.login) parts.push(`by ${event.sender.login}`);
  return parts.filter(Boolean).join(' ') || trigger;
}

function describeError(error: ErrorInfo): string {
  return `${error.type}: ${error.message}`;
}

/** A node's error in full, with the last 10 lines of each text its details carry (stderr_tail). */
function formatNodeError(io: Io, nodeId: string, error: ErrorInfo): string {
  const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
  const texts = Object.entries(details).flatMap(([name, value]) =>
    typeof value !== 'string' || value.trim() === ''
      ? []
      : [
          `    ${name}:`,
          ...value
            .trimEnd()
            .split('\n')
            .slice(-10)
            .map((line) => `      ${line}`),
        ],
  );
  return [`  ${nodeId}: ${paint(io, 'red', describeError(error))}`, ...texts].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// history

async function historyCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      after: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean', default: false },
    },
    ['ID'],
  );
  const after = values.after === undefined ? undefined : integer('--after', values.after, 0);
  const limit = values.limit === undefined ? undefined : integer('--limit', values.limit, 1, 1000);
  const { api, id } = await target(values, positionals[0], env);
  const path = `/api/v1/runs/${id}/history`;
  if (!values.all) {
    const page = await api.get<History>(path, { after, limit });
    if (values.json) return json(io, page);
    io.out(formatHistory(io, id, page.events));
    if (page.next_after !== null)
      io.out(`\nmore: add --after ${page.next_after} for the next page, or --all for the rest\n`);
    return EXIT.ok;
  }
  const events: HistoryEntry[] = [];
  let next = after;
  do {
    const page = await api.get<History>(path, { after: next, limit: limit ?? 1000 });
    events.push(...page.events);
    next = page.next_after ?? undefined;
  } while (next !== undefined);
  if (values.json) return json(io, { events, next_after: null });
  io.out(formatHistory(io, id, events));
  return EXIT.ok;
}

export function formatHistory(io: Io, id: string, events: readonly HistoryEntry[]): string {
  if (events.length === 0) return `run ${id}: no history events here\n`;
  // Times of day, unless the events span more than one day.
  const oneDay = new Set(events.map((e) => e.at.slice(0, 10))).size === 1;
  const time = (at: string) => (oneDay ? at.slice(11, 23) : at.slice(0, 23).replace('T', ' '));
  const head = `run ${id}: events ${events[0]!.seq}–${events.at(-1)!.seq}, times UTC${oneDay ? ` on ${events[0]!.at.slice(0, 10)}` : ''}\n`;
  return (
    head +
    table(
      io,
      [
        { header: 'SEQ', align: 'right' },
        { header: 'TIME' },
        { header: 'TYPE', min: 10 },
        { header: 'NODE', max: 24, min: 6 },
        { header: 'DETAIL', min: 10 },
      ],
      events.map((e) => [
        String(e.seq),
        time(e.at),
        { text: e.type, style: typeStyle(e.type) },
        e.node_id === null ? '' : `${e.node_id}${e.attempt !== null ? ` #${e.attempt}` : ''}`,
        summarize(e),
      ]),
    )
  );
}

function typeStyle(type: string): Parameters<typeof paint>[1] | undefined {
  if (/Failed|TimedOut/.test(type)) return 'red';
  if (/Completed$/.test(type)) return 'green';
  if (/Cancel|Retry|Retried/.test(type)) return 'yellow';
  return undefined;
}

/** One line of an event's data: its error first, then its fields as `name=value`, lists last. */
export function summarize(event: HistoryEntry): string {
  const { error, ...rest } = (event.data ?? {}) as { error?: ErrorInfo } & Record<string, unknown>;
  const fields = Object.entries(rest)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([, a], [, b]) => Number(typeof a === 'object') - Number(typeof b === 'object'))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : compact(value)}`);
  return [error ? describeError(error) : '', ...fields].filter(Boolean).join(' ');
}

/** JSON on one line, cut short: a table cell cuts it further. */
function compact(value: unknown): string {
  const text = JSON.stringify(value) ?? '';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// cancel, retry, signal

async function cancelCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(args, { reason: { type: 'string' } }, ['ID']);
  const { api, id } = await target(values, positionals[0], env);
  const answer = await api.post<Outcome>(
    `/api/v1/runs/${id}/cancel`,
    values.reason === undefined ? {} : { reason: values.reason },
  );
  if (values.json) return json(io, answer);
  const status = typeof answer.status === 'string' ? answer.status : '';
  const lines: Record<string, string> = {
    canceled: `run ${id} ${paintStatus(io, 'canceled')}`,
    canceling: `run ${id} is canceling: its running nodes are being stopped`,
    'already-canceling': `run ${id} is already canceling`,
    'already-finished': `run ${id} had already finished (${paintStatus(io, status)}): nothing to cancel`,
  };
  io.out(`${lines[answer.outcome] ?? `run ${id}: ${compact(answer)}`}\n`);
  return EXIT.ok;
}

async function retryCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(args, {}, ['ID']);
  const { api, id } = await target(values, positionals[0], env);
  const answer = await api.post<Outcome>(`/api/v1/runs/${id}/retry`);
  if (values.json) return json(io, answer);
  if (answer.outcome === 'retried') {
    const nodes = Array.isArray(answer.nodes) ? answer.nodes.join(', ') : '';
    io.out(
      `run ${id} retried as attempt ${String(answer.attempt)}: re-running ${nodes}` +
        (answer.queued ? ' (queued behind its concurrency group)' : '') +
        '\n',
    );
  } else if (answer.outcome === 'nothing-to-retry')
    io.out(`run ${id} has nothing to retry: no node failed, timed out or was canceled\n`);
  else io.out(`run ${id}: ${compact(answer)}\n`);
  return EXIT.ok;
}

async function signalCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(args, { payload: { type: 'string' } }, ['ID', 'NAME']);
  const [idText, name] = positionals;
  if (!new RegExp(SIGNAL_PATTERN).test(name))
    throw new UsageError(`"${name}" is not a signal name (letters, digits and _ . : - only)`);
  const payload = values.payload === undefined ? undefined : jsonOrText(values.payload);
  const { api, id } = await target(values, idText, env);
  const answer = await api.post<Outcome>(
    `/api/v1/runs/${id}/signals/${encodeURIComponent(name)}`,
    payload === undefined ? {} : { payload },
  );
  if (values.json) return json(io, answer);
  if (answer.outcome === 'delivered')
    io.out(
      `signal ${name} delivered to node ${String(answer.node)} of run ${id}` +
        (typeof answer.childRunId === 'string' ? ` (in its child run ${answer.childRunId})` : '') +
        '\n',
    );
  else if (answer.outcome === 'buffered')
    io.out(`signal ${name} kept by run ${id} until a node waits for it\n`);
  else io.out(`run ${id}: ${compact(answer)}\n`);
  return EXIT.ok;
}

async function startCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      event: { type: 'string' },
      'event-type': { type: 'string' },
      repo: { type: 'string' },
      sha: { type: 'string' },
    },
    ['PIPELINE.yaml'],
  );
  const [file] = positionals;
  if (values['event-type'] !== undefined && values.event === undefined)
    throw new UsageError('--event-type goes with --event (the payload it names)');
  const body = {
    pipeline: io.readFile(file),
    file,
    ...(values.event !== undefined ? { event: payloadFile(io, values.event) } : {}),
    ...(values['event-type'] !== undefined ? { event_type: values['event-type'] } : {}),
    ...(values.repo !== undefined ? { repo: values.repo } : {}),
    ...(values.sha !== undefined ? { sha: sha(values.sha) } : {}),
  };
  const api = client(values, env);
  const answer = await api.post<{ run_id: string; created: boolean }>('/api/v1/runs', body);
  if (values.json) return json(io, answer);
  io.out(`run ${answer.run_id} started: ${api.where}/runs/${answer.run_id}\n`);
  return EXIT.ok;
}

function payloadFile(io: Io, path: string): unknown {
  const text = io.readFile(path);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--event ${path} is not JSON: ${(error as Error).message}`);
  }
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// shared

function client(values: Common, env: NodeJS.ProcessEnv): ApiClient {
  const nonEmpty = (text: string | undefined) =>
    text === undefined || text.trim() === '' ? undefined : text.trim();
  return new ApiClient({
    server: nonEmpty(values.server) ?? nonEmpty(env.FORGEFLOW_SERVER) ?? DEFAULT_SERVER,
    token: nonEmpty(values.token) ?? nonEmpty(env.FORGEFLOW_API_TOKEN) ?? null,
  });
}

function json(io: Io, value: unknown): number {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

/** The command's options (and the common ones), and exactly the positionals `names` says. */
function parse<
  const O extends NonNullable<ParseArgsConfig['options']>,
  const N extends readonly string[],
>(args: string[], options: O, names: N) {
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
async function target(
  values: Common,
  idText: string,
  env: NodeJS.ProcessEnv,
): Promise<{ api: ApiClient; id: string }> {
  const api = client(values, env);
  return { api, id: await resolveRunId(api, idText) };
}

function expectPositionals<const N extends readonly string[]>(
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

function integer(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(
      `${flag} must be a whole number ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}; got "${text}"`,
    );
  return n;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}; got "${value}"`);
  return value as T;
}

function sha(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9a-f]{7,40}$/i.test(value))
    throw new UsageError(
      `--sha must be a commit sha or its first 7 or more hex digits; got "${value}"`,
    );
  return value.toLowerCase();
}

/** An ISO time, or a duration back from now (`2h`, `7d`). */
function since(value: string | undefined, now = Date.now()): string | undefined {
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
async function resolveRunId(api: ApiClient, text: string): Promise<string> {
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
