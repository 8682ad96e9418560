/**
 * src/cli — the `forgeflow` command. Owns argument parsing, terminal output and exit codes;
 * the work is done by the compiler (and, later, the runtime and the API client).
 */
import { readFileSync } from 'node:fs';
import { migrateCommand, migrateUsage } from './commands/migrate.js';
import { planCommand, planUsage } from './commands/plan.js';
import { pruneCommand, pruneHelp, pruneUsage } from './commands/prune.js';
import { runCommand, runHelp, runUsage } from './commands/run.js';
import { runsCommand, runsHelp, runsUsage } from './commands/runs.js';
import { schedulesCommand, schedulesHelp, schedulesUsage } from './commands/schedules.js';
import { serveCommand, serveUsage } from './commands/serve.js';
import { workerCommand, workerUsage } from './commands/worker.js';
import { validateCommand, validateUsage } from './commands/validate.js';
import { DataDirInUse } from '../db/dir-lock.js';
import { didYouMean, flagsIn, unknownOption } from './did-you-mean.js';
import { CommandFailed, EXIT, isParseArgsError, UsageError, type Io } from './io.js';

const COMMANDS: Record<
  string,
  {
    run: (args: string[], io: Io) => number | Promise<number>;
    usage: string;
    summary: string;
    /** The longer help, when the usage line does not name every option. */
    help?: string;
  }
> = {
  validate: {
    run: validateCommand,
    usage: validateUsage,
    summary: 'check pipeline files and print every problem',
  },
  plan: {
    run: planCommand,
    usage: planUsage,
    summary: 'print the graph an event would start, or why it starts nothing',
  },
  run: {
    run: runCommand,
    usage: runUsage,
    help: runHelp,
    summary: 'run a pipeline here, to the end, on the embedded database',
  },
  runs: {
    run: runsCommand,
    usage: runsUsage,
    help: runsHelp,
    summary: "list, show and steer a server's runs: list, show, history, cancel, retry, signal",
  },
  schedules: {
    run: schedulesCommand,
    usage: schedulesUsage,
    help: schedulesHelp,
    summary: "list a server's on.schedule crons, pause and resume them",
  },
  serve: {
    run: serveCommand,
    usage: serveUsage,
    summary: 'receive webhooks and run pipelines: the server, its API and a worker',
  },
  worker: {
    run: workerCommand,
    usage: workerUsage,
    summary: 'run workers only, sharing a Postgres with other processes (scale-out)',
  },
  migrate: {
    run: migrateCommand,
    usage: migrateUsage,
    summary: 'apply pending database migrations',
  },
  prune: {
    run: pruneCommand,
    usage: pruneUsage,
    help: pruneHelp,
    summary: 'delete finished runs, deliveries and old rows past their retention, now',
  },
};

export function usage(): string {
  const lines = ['usage: forgeflow <command> [options]', '', 'commands:'];
  for (const [name, command] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(10)} ${command.summary}`, `             ${command.usage}`);
  return lines.join('\n') + '\n';
}

export function defaultIo(): Io {
  // `forgeflow plan … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    readFile: (path) => readFileSync(path, 'utf8'),
  };
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(
      `forgeflow: unknown command "${name}"${didYouMean(name, Object.keys(COMMANDS))}\n\n${usage()}`,
    );
    return EXIT.usage;
  }
  // `runs` and `schedules` have subcommands and a help of their own.
  const options = args.slice(0, args.includes('--') ? args.indexOf('--') : undefined);
  if (
    name !== 'runs' &&
    name !== 'schedules' &&
    (options.includes('--help') || options.includes('-h'))
  ) {
    io.out(command.help ?? `usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const unknown = unknownOption(error);
    if (unknown !== undefined) {
      const flags = flagsIn(command.help ?? command.usage);
      io.err(
        `forgeflow ${name}: unknown option "${unknown}"${didYouMean(unknown, flags)}\nusage: ${command.usage}\n`,
      );
      return EXIT.usage;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.err(`forgeflow ${name}: ${(error as Error).message}\nusage: ${command.usage}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommandFailed || error instanceof DataDirInUse) {
      io.err(`forgeflow ${name}: ${error.message}\n`);
      return EXIT.failed;
    }
    if (isFileError(error)) {
      io.err(
        `forgeflow ${name}: cannot read ${error.path}: ${error.code === 'ENOENT' ? 'no such file' : error.code}\n`,
      );
      return EXIT.usage;
    }
    throw error;
  }
}

function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return (
    error instanceof Error && 'code' in error && 'path' in error && typeof error.path === 'string'
  );
}
