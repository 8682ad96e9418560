/**
 * Steering a `forgeflow run` while it runs (issue 13 §3): the command it prints for a signal
 * works from another shell, run as printed; Ctrl-C cancels the run and a second one leaves it
 * unfinished in the data directory. The command runs in this process with an injected signal
 * source; the printed command runs in a real shell, with `forgeflow` the built binary (dist/).
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/cli/commands/run.js';
import { openPglite } from '../src/db/pglite.js';
import { FakeClock } from '../src/runtime/clock.js';
import { Runtime } from '../src/runtime/runtime.js';
import { sweep } from '../src/runtime/sweep.js';
import { REPO_ROOT, runCli } from './support/cli.js';
import { watchedIo } from './support/watched-io.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-run-control-'));
/** One data directory for every run here (a new one costs an initdb), with a space in its path. */
const data = join(dir, 'data with a space');
const started: { signals: EventEmitter; exit: Promise<number> }[] = [];
afterAll(async () => {
  // A test that failed half-way leaves its run going: leave it (two Ctrl-C) before removing it.
  for (const run of started) {
    run.signals.emit('SIGINT');
    run.signals.emit('SIGINT');
    await run.exit.catch(() => undefined);
  }
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const RUN_ID = '[0-9a-f-]{36}';

/** A folder with `forgeflow` in it: the built binary, as an installed one would be. */
function forgeflowOnPath(): string {
  if (!existsSync(join(REPO_ROOT, 'dist/cli/main.js')))
    expect.fail('dist/cli/main.js does not exist: run `npm run build` before this test');
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const shim = join(bin, 'forgeflow');
  writeFileSync(
    shim,
    `#!/bin/sh\nexec '${process.execPath}' '${join(REPO_ROOT, 'bin/forgeflow.js')}' "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return bin;
}

/** `forgeflow run` in this process, stopped by signals the test sends through `signals`. */
function startRun(file: string, ...more: string[]) {
  const watched = watchedIo();
  const signals = new EventEmitter();
  const exit = runCommand(
    [file, '--data-dir', data, '--exec-sandbox', 'none', ...more],
    watched.io,
    signals,
  );
  started.push({ signals, exit });
  return { ...watched, signals, exit };
}

describe('forgeflow run: signals from another shell', () => {
  it('prints once, for a signal two nodes wait for, a command that sends it from another shell', async () => {
    const bin = forgeflowOnPath();
    const file = join(dir, 'gates.yaml');
    writeFileSync(
      file,
      `version: 1
on: manual
jobs:
  first:
    wait_for: { signal: approve, timeout: 1m }
  second:
    wait_for: { signal: approve, timeout: 1m }
`,
    );
    const run = startRun(file);
    const [, command] = await run.until(/^ {2}(FORGEFLOW_API_TOKEN=.*)$/m);
    expect(run.out()).toMatch(
      /waits for signal "approve"; to send it from another shell \(--payload JSON gives it a value\):\n/,
    );
    // The token is for this user only, and for this run only; nothing is read without it.
    const tokenFile = join(data, 'run-api-token');
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const server = /--server (http:\/\/127\.0\.0\.1:\d+)$/.exec(command!)?.[1];
    expect((await fetch(`${server}/api/v1/runs`)).status).toBe(401);

    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
    for (const name of ['FORGEFLOW_SERVER', 'FORGEFLOW_API_TOKEN']) delete env[name];
    const sent: string[] = [];
    for (const by of ['alice', 'bob']) {
      // From elsewhere: the printed paths must not depend on the run's directory.
      const { stdout } = await promisify(execFile)(
        'sh',
        ['-c', `${command!} --payload '{"by":"${by}"}'`],
        { cwd: tmpdir(), env, encoding: 'utf8' },
      );
      sent.push(stdout);
    }
    expect(sent).toEqual([
      expect.stringMatching(
        new RegExp(`^signal approve delivered to node first of run ${RUN_ID}\n$`),
      ),
      expect.stringMatching(
        new RegExp(`^signal approve delivered to node second of run ${RUN_ID}\n$`),
      ),
    ]);

    expect(await run.exit).toBe(0);
    expect(run.out().match(/forgeflow runs signal/g)).toHaveLength(1);
    expect(run.out()).toMatch(new RegExp(`run ${RUN_ID} succeeded\n`));
    expect(existsSync(tokenFile)).toBe(false);
  }, 120_000);

  it('prints no command for a signal given with --signal', async () => {
    const file = join(dir, 'given.yaml');
    writeFileSync(file, 'version: 1\non: manual\njobs:\n  gate:\n    wait_for: { signal: go }\n');
    const run = startRun(file, '--signal', 'go');
    expect(await run.exit).toBe(0);
    expect(run.out()).not.toContain('runs signal');
  }, 120_000);
});

describe('forgeflow run: Ctrl-C and SIGTERM', () => {
  it('cancels the run on Ctrl-C, waits for it to settle, says so and exits 130', async () => {
    const file = join(dir, 'slow.yaml');
    writeFileSync(
      file,
      `version: 1
on: manual
jobs:
  slow:
    uses: exec
    with: { command: [sleep, "120"] }
  after:
    needs: slow
    uses: exec
    with: { command: [echo, after] }
`,
    );
    const run = startRun(file);
    await run.until(/^slow: running/m);
    run.signals.emit('SIGINT');
    expect(await run.exit).toBe(130);
    const out = run.out();
    expect(out).toMatch(
      new RegExp(`SIGINT: canceling run ${RUN_ID}; press Ctrl-C again to leave it unfinished\n`),
    );
    expect(out).toContain('slow: canceled');
    expect(out).toMatch(
      new RegExp(
        `run ${RUN_ID} canceled\nto look at it: forgeflow serve --data-dir '${data}', then open`,
      ),
    );
    // Node's own handling (exit at once) is back once the command ends.
    expect(run.signals.listenerCount('SIGINT') + run.signals.listenerCount('SIGTERM')).toBe(0);
  }, 120_000);

  it('cancels on SIGTERM too, and exits 143', async () => {
    const file = join(dir, 'waits.yaml');
    writeFileSync(file, 'version: 1\non: manual\njobs:\n  gate:\n    wait_for: { signal: go }\n');
    const run = startRun(file);
    await run.until(/^gate: waiting/m);
    run.signals.emit('SIGTERM');
    expect(await run.exit).toBe(143);
    expect(run.out()).toContain('gate: canceled (forgeflow run got SIGTERM)');
    expect(run.out()).toMatch(new RegExp(`run ${RUN_ID} canceled\n`));
  }, 120_000);

  it('leaves at a second Ctrl-C, the run unfinished in the data directory, where a worker ends it', async () => {
    // A handler that does not stop when its run is canceled: the cancel cannot settle.
    const handlers = join(dir, 'stubborn.mjs');
    writeFileSync(
      handlers,
      `export default [{
  spec: { name: 'koji.tag', description: 'ignores cancel', input: { type: 'object' } },
  run: () => new Promise(() => {}),
}];
`,
    );
    const file = join(dir, 'stubborn.yaml');
    writeFileSync(
      file,
      `version: 1
on: manual
jobs:
  koji:
    uses: koji.tag
    with: { job: koji_build_tag, trigger: koji_build, package: widgets, target: f41 }
`,
    );
    const run = startRun(file, '--handlers', handlers);
    await run.until(/^koji: running/m);
    run.signals.emit('SIGINT');
    const [, runId] = await run.until(new RegExp(`canceling run (${RUN_ID})`));
    run.signals.emit('SIGINT');
    expect(await run.exit).toBe(130);
    expect(run.out()).toMatch(
      new RegExp(
        `run ${runId} left unfinished, canceling, in ${data}\nto end it and look at it: forgeflow serve --data-dir '${data}', then open http://localhost:8080/runs/${runId}\n$`,
      ),
    );

    // What a server's worker on that folder does once the left attempt's lease lapses.
    const db = await openPglite({ dataDir: join(data, 'db') });
    try {
      const status = async () =>
        (
          await db.query<{ status: string }>('SELECT status FROM forgeflow.runs WHERE id = $1', [
            runId,
          ])
        ).rows[0]?.status;
      expect(await status()).toBe('running');
      const later = new FakeClock(Date.now() + 10 * 60_000);
      await sweep(new Runtime({ db, clock: later }).engine, 10);
      expect(await status()).toBe('canceled');
    } finally {
      await db.close();
    }
  }, 120_000);

  it('says what Ctrl-C does in forgeflow run --help', async () => {
    const { code, out } = await runCli('run', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: forgeflow run FILE/);
    expect(out).toContain('Ctrl-C (or SIGTERM) cancels the run');
    expect(out).toContain('A second Ctrl-C leaves at once');
    expect(out).toContain('130 after Ctrl-C');
  });
});
