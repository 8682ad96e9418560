/**
 * `forgeflow runs logs ID [NODE] [--follow] [--attempt N]`: a run's log lines through the API,
 * `node | line` as `docker compose logs` prints them (every node's when NODE is not given).
 * --follow keeps reading (a short poll of each node's cursor) until the node, or the run, ends.
 */
import type { LogLine } from '../../contracts/node-log.js';
import { TERMINAL_RUN_STATES, type RunStatus } from '../../runtime/states.js';
import type { ApiClient } from '../api-client.js';
import { EXIT, UsageError, type Io } from '../io.js';
import { LogPrinter } from '../log-print.js';
import type { RunDetail } from '../run-text.js';
import { COMMON, integer, parse, target } from './runs-args.js';

export const logsUsage = `forgeflow runs logs ID [NODE] [--follow] [--attempt N] ${COMMON}`;

const FOLLOW_EVERY_MS = 1_000;

interface LogPage {
  lines: LogLine[];
  next_after: number;
  more: boolean;
  finished: boolean;
}

const OPTIONS = {
  follow: { type: 'boolean', default: false },
  attempt: { type: 'string' },
} as const;

export async function logsCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseEither(args);
  const { values } = parsed;
  const attempt =
    values.attempt === undefined ? undefined : integer('--attempt', values.attempt, 1);
  const { api, id } = await target(values, parsed.id, env);
  const one = parsed.node;
  const run = await api.get<RunDetail>(`/api/v1/runs/${id}`);
  const nodes = one === undefined ? run.node_list.map((n) => n.id) : [one];
  const printer = new LogPrinter(io, Math.min(32, Math.max(0, ...nodes.map((n) => n.length))));
  const after = new Map<string, number>();
  const all: { node: string; line: LogLine }[] = [];
  for (;;) {
    // The run's state before its lines: lines are stored before a node ends, so once the run
    // is seen ended, these pages hold the rest.
    const runEnded =
      values.follow && one === undefined
        ? TERMINAL_RUN_STATES.includes(
            (await api.get<RunDetail>(`/api/v1/runs/${id}`)).status as RunStatus,
          )
        : false;
    let nodeEnded = true;
    for (const node of nodes) {
      const page = await readNode(api, id, node, after.get(node) ?? 0, attempt, (line) => {
        if (values.json) all.push({ node, line });
        const dropped = attempt === undefined ? line.n - (after.get(node) ?? 0) - 1 : 0;
        if (!values.json) io.out(printer.format(node, line, dropped));
        after.set(node, line.n);
      });
      nodeEnded &&= page.finished;
    }
    if (!values.follow || (one === undefined ? runEnded : nodeEnded)) break;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
  }
  if (values.json)
    io.out(
      `${JSON.stringify(
        all.map((e) => ({ node: e.node, ...e.line })),
        null,
        2,
      )}\n`,
    );
  return EXIT.ok;
}

/** Every page of a node's log after `after`; the last page says whether the node finished. */
async function readNode(
  api: ApiClient,
  id: string,
  node: string,
  after: number,
  attempt: number | undefined,
  each: (line: LogLine) => void,
): Promise<LogPage> {
  for (;;) {
    const page = await api.get<LogPage>(
      `/api/v1/runs/${id}/nodes/${encodeURIComponent(node)}/logs`,
      { after, limit: 5000, attempt },
    );
    page.lines.forEach(each);
    after = page.next_after;
    if (!page.more) return page;
  }
}

function parseEither(args: string[]) {
  try {
    const { values, positionals } = parse(args, OPTIONS, ['ID', 'NODE']);
    return { values, id: positionals[0], node: positionals[1] as string | undefined };
  } catch (error) {
    if (!(error instanceof UsageError) || !error.message.startsWith('missing NODE')) throw error;
    const { values, positionals } = parse(args, OPTIONS, ['ID']);
    return { values, id: positionals[0], node: undefined };
  }
}
