/**
 * `forgeflow schedules list|pause|resume`: the `on.schedule` a server has learned from its
 * repositories' default branches, and pausing or resuming one, through its REST API (the
 * server and token as `forgeflow runs` takes them). Exit codes: 0 on a 2xx answer, 1 on an
 * error answer or an unreachable server, 2 usage.
 */
import { ApiError, DEFAULT_SERVER, UnreachableError } from '../api-client.js';
import { didYouMean, flagsIn, unknownOption } from '../did-you-mean.js';
import { EXIT, isParseArgsError, UsageError, type Io } from '../io.js';
import { table } from '../tables.js';
import { client, COMMON, json, parse } from './runs-args.js';

const USAGE = {
  list: `forgeflow schedules list [--repo R] ${COMMON}`,
  pause: `forgeflow schedules pause ID ${COMMON}`,
  resume: `forgeflow schedules resume ID ${COMMON}`,
} as const;
type Sub = keyof typeof USAGE;

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
  const [name, ...rest] = args;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(schedulesHelp);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!(name in USAGE)) {
    io.err(
      `forgeflow schedules: unknown command "${name}"${didYouMean(name, Object.keys(USAGE))}\n\n${schedulesHelp}`,
    );
    return EXIT.usage;
  }
  const sub = name as Sub;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: ${USAGE[sub]}\n\n(forgeflow schedules --help for every command and option)\n`);
    return EXIT.ok;
  }
  try {
    return sub === 'list' ? await list(rest, io, env) : await setPaused(sub, rest, io, env);
  } catch (error) {
    const unknown = unknownOption(error);
    if (unknown !== undefined) {
      io.err(
        `forgeflow schedules ${sub}: unknown option "${unknown}"${didYouMean(unknown, flagsIn(USAGE[sub]))}\nusage: ${USAGE[sub]}\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`forgeflow schedules ${sub}: ${(error as Error).message}\nusage: ${USAGE[sub]}\n`);
      return EXIT.usage;
    }
    if (error instanceof ApiError) {
      const { code, status, detail, title } = error.problem;
      io.err(`forgeflow schedules ${sub}: ${code} (${status}): ${detail ?? title ?? ''}\n`);
      return EXIT.failed;
    }
    if (error instanceof UnreachableError) {
      io.err(`forgeflow schedules ${sub}: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
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
