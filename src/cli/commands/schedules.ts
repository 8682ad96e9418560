/**
 * `forgeflow schedules list|pause|resume`: the `on.schedule` a server has learned from its
 * repositories' default branches, and pausing or resuming one, through its REST API (the
 * server and token as `forgeflow runs` takes them). Exit codes: 0 on a 2xx answer, 1 on an
 * error answer or an unreachable server, 2 usage.
 */
import { DEFAULT_SERVER } from '../api-client.js';
import { EXIT, type Io } from '../io.js';
import { table } from '../tables.js';
import { client, COMMON, json, parse } from './runs-args.js';
import { dispatchServerCommand } from './server-subcommands.js';

const USAGE = {
  list: `forgeflow schedules list [--repo R] ${COMMON}`,
  pause: `forgeflow schedules pause ID ${COMMON}`,
  resume: `forgeflow schedules resume ID ${COMMON}`,
} as const;

export const schedulesUsage = `forgeflow schedules ${Object.keys(USAGE).join('|')} … ${COMMON} (forgeflow schedules --help)`;

export const schedulesHelp = `usage: forgeflow schedules <command> [options]

The on.schedule crons a server learned from its repositories' default branches.

${Object.values(USAGE)
  .map((u) => `  ${u}`)
  .join('\n')}

  --server URL   the server (default: FORGEFLOW_SERVER, else ${DEFAULT_SERVER})
  --token T      its API token (default: FORGEFLOW_API_TOKEN); pause and resume need it
  --format json  the server's JSON answer as it is
  ID             a schedule id, as list shows it

  pause: the schedule fires no more until resumed; resume: it is due next after now (what fell
  due while paused is not caught up). The next push to the default branch keeps the pause.
`;

interface Schedule {
  id: string;
  repo: string;
  path: string;
  cron: string;
  timezone: string;
  paused: boolean;
  next_due: string;
  last_due_at: string | null;
  last_missed: number | null;
}

export async function schedulesCommand(
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return dispatchServerCommand(
    {
      group: 'schedules',
      help: schedulesHelp,
      usage: USAGE,
      subcommands: {
        list,
        pause: (rest, io, env) => setPaused('pause', rest, io, env),
        resume: (rest, io, env) => setPaused('resume', rest, io, env),
      },
    },
    args,
    io,
    env,
  );
}

async function list(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parse(args, { repo: { type: 'string' } }, []);
  const answer = await client(values, env).get<{ schedules: Schedule[] }>('/api/v1/schedules', {
    repo: values.repo,
  });
  if (values.json) return json(io, answer);
  if (answer.schedules.length === 0) {
    io.out('no schedules\n');
    return EXIT.ok;
  }
  const columns = ['ID', 'REPO', 'FILE', 'CRON', 'TIME ZONE', 'NEXT DUE', 'LAST'].map((header) => ({
    header,
  }));
  const rows = answer.schedules.map((s) => [
    s.id,
    s.repo,
    s.path,
    s.cron,
    s.timezone,
    s.paused ? 'paused' : s.next_due,
    s.last_due_at === null
      ? '-'
      : `${s.last_due_at}${s.last_missed ? ` (+${s.last_missed} missed)` : ''}`,
  ]);
  io.out(table(io, columns, rows));
  return EXIT.ok;
}

async function setPaused(
  sub: 'pause' | 'resume',
  args: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { values, positionals } = parse(args, {}, ['ID']);
  const [id] = positionals;
  const answer = await client(values, env).post<Schedule>(
    `/api/v1/schedules/${encodeURIComponent(id)}/${sub}`,
  );
  if (values.json) return json(io, answer);
  io.out(
    answer.paused
      ? `paused ${answer.cron} (${answer.timezone}) of ${answer.repo}\n`
      : `resumed ${answer.cron} (${answer.timezone}) of ${answer.repo}: next due ${answer.next_due}\n`,
  );
  return EXIT.ok;
}
