/**
 * `forgeflow run FILE [--event PAYLOAD.json]`: compiles the pipeline for the event (else a
 * manual start) and runs it to the end on the embedded database, here, with live progress.
 * `exec` is enabled for this run (it is the user's own machine), in the sandbox a server uses,
 * with a fresh working directory per attempt (or --workdir DIR for every step), one /tmp for
 * the whole run, and steps running as you. A run that waits for signals is served on a loopback
 * port for as long as it runs (local-api.ts), so another shell can send them; Ctrl-C cancels it
 * (await-local-run.ts). Exit codes in `runHelp`.
 */
import { statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { formatDiagnostics } from '../../compiler/index.js';
import { registryOf } from '../../contracts/handler-spec.js';
import { migrate } from '../../db/migrate.js';
import { openPglite } from '../../db/pglite.js';
import { handlerServices } from '../../handlers/handler-services.js';
import { specsOf } from '../../handlers/registry.js';
import { probeSandbox, sandboxUnavailable } from '../../handlers/sandbox/probe.js';
import { readSandboxSettings, type SandboxSettings } from '../../handlers/sandbox/settings.js';
import { removeTree, workspaceRoot } from '../../handlers/sandbox/workspace.js';
import { Runtime } from '../../runtime/runtime.js';
import { SIGNAL_PATTERN } from '../../compiler/schema/common.js';
import { TERMINAL_RUN_STATES, type RunStatus } from '../../runtime/states.js';
import { awaitLocalRun, SETTLE_MS } from '../await-local-run.js';
import { EXIT, paint, UsageError, type Io } from '../io.js';
import { openLocalApi, RUN_TOKEN_FILE } from '../local-api.js';
import { leftText, serveCommand, signalHint } from '../local-run-text.js';
import { exitCodeOf, Interrupts } from '../run-interrupts.js';
import { watchRun } from '../run-watch.js';
import { Progress } from '../progress.js';
import { LogPrinter } from '../log-print.js';
import { RunLogTail } from '../log-tail.js';
import { EVENT_OPTIONS, readPipelineAndEvent } from '../read-event.js';
import { formatNotTriggered } from '../format-graph.js';
import { compileConfig, isPackitConfig, PACKIT_OPTION } from '../config-file.js';
import { formatInputProblems } from '../input-args.js';
import { loadOperatorHandlers, workerHandlers } from '../service.js';
import { DEFAULT_DATA_DIR, readPackitSettings } from '../settings.js';
import { makeDataDir } from '../webhook-secret.js';
import { readSecretStore } from '../secret-store.js';

export const runUsage =
  'forgeflow run FILE [--event PAYLOAD.json [--event-type NAME]] [--forge github|gitlab] [--data-dir DIR] [--input NAME=VALUE]… [--signal NAME[=JSON]]… [--handlers FILE] [--packit] [--workdir DIR] [--exec-sandbox namespaces|none]';

export const runHelp = `usage: ${runUsage}

Runs the pipeline here, to the end, on the embedded database in DIR/db (--data-dir, else
FORGEFLOW_DATA_DIR, else ${DEFAULT_DATA_DIR}), printing each node's progress. Without --event
the run is a manual start.

  --input NAME=VALUE    a manual start's input (on.manual.inputs), read as its declared type
  --signal NAME[=JSON]  send a signal as the run starts; it is kept until a node waits for it
  --workdir DIR         every step's working directory, shared (default: a fresh, empty
                        one per attempt, removed at its end)
  --exec-sandbox MODE   namespaces (the default where the machine allows it) or none
  --handlers FILE       handlers of your own for Packit job types forgeflow does not integrate

A job with \`checkout: true\` gets a fresh working directory (even with --workdir) holding the git
repository FILE is in, at the event's commit when that repository has it, else at its HEAD
(committed files only): no network, no token.

Signals from another shell: when a node waits for a signal, run prints the command that sends
it (forgeflow runs signal … --server, to this process on 127.0.0.1, with a token kept in
DIR/${RUN_TOKEN_FILE} while the run lasts).

Ctrl-C (or SIGTERM) cancels the run, waits up to ${SETTLE_MS / 1000}s for the cancel to settle and
prints how the run ended. A second Ctrl-C leaves at once: the run stays unfinished (canceling)
in the data directory, and forgeflow serve --data-dir DIR ends it and shows it.

Exit code: 0 when the run succeeded, 1 when it did not, 2 for a usage error, 130 after Ctrl-C
(143 after SIGTERM).
`;

/** `approve` or `approve={"by":"me"}`: the payload is JSON when it parses, else the text. */
function parseSignal(text: string): { name: string; payload: unknown } {
  const at = text.indexOf('=');
  const name = at === -1 ? text : text.slice(0, at);
  if (!new RegExp(SIGNAL_PATTERN).test(name))
    throw new UsageError(`--signal ${text}: "${name}" is not a signal name`);
  if (at === -1) return { name, payload: null };
  const raw = text.slice(at + 1);
  try {
    return { name, payload: JSON.parse(raw) as unknown };
  } catch {
    return { name, payload: raw };
  }
}

export async function runCommand(
  args: string[],
  io: Io,
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...EVENT_OPTIONS,
      'data-dir': { type: 'string' },
      signal: { type: 'string', multiple: true, default: [] },
      handlers: { type: 'string' },
      workdir: { type: 'string' },
      'exec-sandbox': { type: 'string' },
      ...PACKIT_OPTION,
    },
  });
  const given = values.signal.map(parseSignal);
  const { file, text, event, eventFile } = readPipelineAndEvent('run', io, positionals, values);
  if (typeof event === 'string') {
    io.out(`${eventFile}: ${event}
`);
    return EXIT.failed;
  }
  const operator = values.handlers === undefined ? [] : await loadOperatorHandlers(values.handlers);
  // No forge clients here: forge.status and forge.comment fail NotConfigured.
  // checkout: from the git repository the pipeline file is in, never the network.
  const checkout = { kind: 'local', directory: dirname(resolve(file)) } as const;
  const handlers = workerHandlers(
    handlerServices({ packit: readPackitSettings(process.env), checkout }),
    operator,
  );
  const packit = isPackitConfig(file, values.packit);
  const result = compileConfig(file, text, event, packit, registryOf(specsOf(handlers)));
  if (result.status === 'invalid') {
    io.err(formatDiagnostics(result.diagnostics, text) + '\n');
    return EXIT.failed;
  }
  if (result.status === 'not-triggered') {
    io.out(formatNotTriggered(result.pipeline, event, result.misses, result.excluded));
    return EXIT.failed;
  }
  if (result.status === 'invalid-inputs') {
    io.err(
      `forgeflow run: ${file}: the inputs do not fit the pipeline:\n${formatInputProblems(result.errors)}`,
    );
    return EXIT.usage;
  }

  const secrets = readSecretStore(process.env);
  const sandbox = await localSandbox(values, io);
  // The layout `serve` uses (the database in <data-dir>/db), so `serve` on the same folder
  // shows the runs made here.
  const dataDir = values['data-dir'] ?? process.env.FORGEFLOW_DATA_DIR ?? DEFAULT_DATA_DIR;
  makeDataDir(dataDir);
  const db = await openPglite({ dataDir: join(dataDir, 'db') }).catch(async (error: unknown) => {
    await sandbox.done();
    throw error;
  });
  try {
    await migrate(db);
    const runtime = new Runtime({ db, settings: { secrets } });
    const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
    const worker = runtime.createWorker({
      handlers,
      handlerSettings: { execAllow: ['*'], execSandbox: sandbox.settings, secrets: {} },
      logger,
      pollMs: 200,
    });
    const progress = new Progress(io, result.graph, io.color);
    const api = result.graph.nodes.some((node) => node.action.kind === 'signal')
      ? await openLocalApi(
          { db, runtime, handlers: registryOf(specsOf(handlers)), logger },
          dataDir,
        ).catch((error: unknown) => {
          io.err(`signals only by --signal: this run cannot be served here (${String(error)})\n`);
          return undefined;
        })
      : undefined;
    // No hint for a signal given with --signal: it is on its way.
    let tail: RunLogTail | undefined;
    const watch = watchRun(
      runtime,
      progress,
      (runId, nodeId, signal) =>
        api && !given.some((g) => g.name === signal)
          ? signalHint(api, runId, nodeId, signal)
          : undefined,
      () => tail?.catchUp() ?? Promise.resolve(),
    );
    const interrupts = new Interrupts(signals);
    // Each step's log lines as they are stored, `node | line`, above the progress table.
    const printer = new LogPrinter(
      io,
      Math.min(32, Math.max(...result.graph.nodes.map((n) => n.id.length))),
    );
    try {
      await worker.start();
      io.out(
        `run of ${result.graph.pipeline} (${result.graph.nodes.length} nodes) in ${dataDir}\n`,
      );
      const { runId } = await runtime.start(result.graph, event);
      watch.follow(runId);
      tail = new RunLogTail(db, runId, (lines) =>
        progress.note(lines.map((l) => printer.format(l.nodeId, l.line, l.dropped)).join('')),
      );
      await tail.start();
      // Kept by the run until a node waits for them (signals are buffered).
      for (const { name, payload } of given) await runtime.signal(runId, name, payload);
      const end = await awaitLocalRun(runtime, runId, interrupts, (line) =>
        progress.note(`${line}\n`),
      );
      watch.stop();
      await api?.close();
      await runtime.stopWorkers(end.kind === 'left' ? 0 : 5_000);
      await tail.drain();
      // Stopping the worker may have ended what it was canceling.
      const status: RunStatus | undefined =
        end.kind === 'ended' ? end.status : (await runtime.getRun(runId))?.status;
      if (end.kind === 'left' && (status === undefined || !TERMINAL_RUN_STATES.includes(status))) {
        io.out(leftText(runId, dataDir, end.why, SETTLE_MS));
        return exitCodeOf(end.stoppedBy);
      }
      const style = status === 'succeeded' ? 'green' : 'red';
      io.out(`run ${runId} ${paint(io, style, String(status))}\n`);
      io.out(`to look at it: ${serveCommand(dataDir, runId)}\n`);
      if (status === 'succeeded') return EXIT.ok;
      return end.stoppedBy === undefined ? EXIT.failed : exitCodeOf(end.stoppedBy);
    } finally {
      interrupts.dispose();
      watch.stop();
      await api?.close();
      await runtime.stopWorkers(0); // after an error: none is left polling a closed database
      await tail?.drain();
    }
  } finally {
    await db.close();
    await sandbox.done();
  }
}

/**
 * Where this run's steps run. Without --exec-sandbox (or FORGEFLOW_EXEC_SANDBOX), a machine that
 * cannot sandbox them (macOS, a container without the rights) runs them directly and says so;
 * asking for `namespaces` there is an error, as on a server.
 */
async function localSandbox(
  values: { 'data-dir'?: string | undefined; workdir?: string; 'exec-sandbox'?: string },
  io: Io,
): Promise<{ settings: SandboxSettings; done: () => Promise<void> }> {
  // Without --workdir each attempt gets a fresh, empty folder, as on a server: a step never
  // writes into one's files unless asked to (checkout: true brings the repository).
  const workingDirectory = values.workdir === undefined ? undefined : resolve(values.workdir);
  if (
    workingDirectory !== undefined &&
    statSync(workingDirectory, { throwIfNoEntry: false })?.isDirectory() !== true
  )
    throw new UsageError(`--workdir ${workingDirectory} is not a directory`);
  const secretPaths = [values['data-dir'] ?? DEFAULT_DATA_DIR, DEFAULT_DATA_DIR];
  const read = readSandboxSettings(process.env, values['exec-sandbox'], secretPaths);
  if (typeof read === 'string') throw new UsageError(read);
  const settings: SandboxSettings = {
    ...read,
    user: 'caller',
    ...(workingDirectory === undefined ? {} : { workingDirectory }),
  };
  const done = () => Promise.resolve();
  if (settings.mode === 'none') return { settings, done };
  const problem = await probeSandbox(settings);
  if (problem !== undefined) {
    if ((values['exec-sandbox'] ?? process.env.FORGEFLOW_EXEC_SANDBOX)?.trim())
      throw new UsageError(sandboxUnavailable(problem));
    io.err(
      `exec steps run without a sandbox here (${problem}); --exec-sandbox none says you mean it\n`,
    );
    return { settings: { ...settings, mode: 'none' }, done };
  }
  // One /tmp for all the run's steps, as on one machine; gone with the run.
  const sharedTmp = await mkdtemp(join(await workspaceRoot(settings.workspaceRoot), 'run-'));
  return { settings: { ...settings, sharedTmp }, done: () => removeTree(sharedTmp) };
}
