/**
 * `forgeflow runs list|show|history|cancel|retry|signal|start`: the runs of a forgeflow server,
 * read and steered through its REST API (docs/api.md). Tables on a terminal (colour only on a
 * TTY; the text is run-text.ts), `--format json` prints the server's answer for scripts. The
 * server is `--server`, else FORGEFLOW_SERVER, else http://localhost:8080; the token `--token`,
 * else FORGEFLOW_API_TOKEN (runs-args.ts). `start` is runs-start.ts.
 * Exit codes: 0 on a 2xx answer, 1 on an error answer or an unreachable server, 2 usage.
 */
import { RUN_STATUSES, TRIGGERS } from '../../api/schemas.js';
import { SIGNAL_PATTERN } from '../../compiler/schema/common.js';
import { DEFAULT_SERVER } from '../api-client.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { paintStatus } from '../tables.js';
import {
  compact,
  formatHistory,
  formatRun,
  formatRunList,
  type History,
  type HistoryEntry,
  type RunDetail,
  type RunList,
  type RunSummary,
} from '../run-text.js';
import { client, COMMON, integer, json, oneOf, parse, sha, since, target } from './runs-args.js';
import { logsCommand, logsUsage } from './runs-logs.js';
import { startCommand, startUsage } from './runs-start.js';
import { dispatchServerCommand, type ServerSubcommand } from './server-subcommands.js';

type Outcome = { outcome: string } & Record<string, unknown>;

const USAGE = {
  list: `forgeflow runs list [--repo R] [--pipeline P] [--status S] [--trigger T] [--sha X] [--pr N] [--since TIME] [--children] [--limit N] [--cursor C | --all] ${COMMON}`,
  show: `forgeflow runs show ID ${COMMON}`,
  history: `forgeflow runs history ID [--after N] [--limit N] [--all] ${COMMON}`,
  logs: logsUsage,
  cancel: `forgeflow runs cancel ID [--reason TEXT] ${COMMON}`,
  retry: `forgeflow runs retry ID ${COMMON}`,
  signal: `forgeflow runs signal ID NAME [--payload JSON] ${COMMON}`,
  start: startUsage,
} as const;
type Sub = keyof typeof USAGE;

export const runsUsage = `forgeflow runs ${Object.keys(USAGE).join('|')} … ${COMMON} (forgeflow runs --help)`;

export const runsHelp = `usage: forgeflow runs <command> [options]

Reads and steers the runs of a forgeflow server through its API.

${Object.values(USAGE)
  .map((u) => `  ${u}`)
  .join('\n')}

  --server URL   the server (default: FORGEFLOW_SERVER, else ${DEFAULT_SERVER})
  --token T      its API token (default: FORGEFLOW_API_TOKEN); cancel, retry, signal and start
                 need it, reads too when the server runs with FORGEFLOW_API_READ=token
  --format json  the server's JSON answer as it is (list --all: every page's runs in one list)
  ID             a run id, or the start of one: 4 or more of its hex digits (a list shows 8);
                 the server looks it up, child runs too

  list: newest first, 50 a page (--limit up to 200); --all follows every page. --since takes
        an ISO time or a duration back from now (30m, 2h, 7d); --children adds polling child runs.
  history: 200 events a page (--limit up to 1000) from after --after N; --all reads to the end.
  logs: every node's lines, "node | line" (NODE: one node's); --follow reads on until the node
        (or the run) ends; --attempt N: that attempt's lines only.
  signal: --payload is JSON when it parses, else the text itself.
  start: sends FILE and a webhook payload (else a manual event of --repo, default local/manual,
         at --sha) to the server, which compiles and starts it; prints the run's id and page.
         FILE is a pipeline.yaml, or a Packit config: .packit.yaml, .packit.yml, packit.yaml,
         packit.yml, or any file with --packit. The payload's forge and event are told from it,
         as plan and run tell them; --forge and --event-type say otherwise. A FILE the server
         finds broken is printed as validate prints it (--format json: the diagnostics as JSON).
`;

export async function runsCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return dispatchServerCommand(
    { group: 'runs', help: runsHelp, usage: USAGE, subcommands: SUBCOMMANDS },
    args,
    io,
    env,
  );
}

const SUBCOMMANDS: Record<Sub, ServerSubcommand> = {
  list: listCommand,
  show: showCommand,
  history: historyCommand,
  logs: logsCommand,
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

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
