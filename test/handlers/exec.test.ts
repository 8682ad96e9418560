/**
 * The exec handler against real processes, in its namespace sandbox and without it: argv passed
 * literally, the minimal environment, a fresh working directory per attempt, the allow-list,
 * output caps, and that abort or exit leaves nothing the program started behind.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { compilePipeline, formatDiagnostics } from '../../src/compiler/index.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import type { ExecInput } from '../../src/handlers/exec.js';
import { createExecHandler, execHandler, MAX_OUTPUT_BYTES } from '../../src/handlers/exec.js';
import {
  defaultSandboxSettings,
  type SandboxMode,
  type SandboxSettings,
} from '../../src/handlers/sandbox/settings.js';
import { toErrorInfo } from '../../src/contracts/errors.js';
import { rejection, testContext } from './context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-exec-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Each mode with a workspace root of this file's own, to see that attempts leave nothing. */
const MODES: Record<SandboxMode, SandboxSettings> = {
  namespaces: defaultSandboxSettings({ workspaceRoot: path.join(dir, 'ws-namespaces') }),
  none: defaultSandboxSettings({ mode: 'none', workspaceRoot: path.join(dir, 'ws-none') }),
};

const quick = createExecHandler({ killGraceMs: 200 });

function run(
  input: ExecInput,
  execAllow: readonly string[] | null = ['*'],
  execSandbox: SandboxSettings = MODES.namespaces,
) {
  return execHandler.run(input, testContext({ execAllow, execSandbox }).context);
}

/** ESRCH, or a zombie nobody reaps (a container's PID 1 may not): either way it is dead. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls (a real process must actually die) for at most ~3 s. */
async function expectDead(pid: number): Promise<void> {
  for (let i = 0; i < 150 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  const alive = isAlive(pid);
  if (alive) process.kill(pid, 'SIGKILL'); // not left behind when the test fails
  expect(alive).toBe(false);
}

/** Host pids of the processes in a PID namespace (`pid:[4026532…]`, as /proc/PID/ns/pid reads). */
function namespaceMembers(namespace: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/pid`) === namespace;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Polls for at most ~3 s until no process is left in the sandbox's PID namespace. */
async function expectNamespaceGone(namespace: string): Promise<void> {
  for (let i = 0; i < 150 && namespaceMembers(namespace).length > 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const left = namespaceMembers(namespace);
  for (const pid of left) process.kill(pid, 'SIGKILL'); // not left behind when the test fails
  expect(left).toEqual([]);
}

let fifos = 0;
/** A FIFO the sandboxed step (uid 65534) may write, in a folder given as its working directory. */
function fifo(folder = dir): string {
  const file = path.join(folder, `fifo-${++fifos}`);
  execFileSync('mkfifo', [file]);
  chmodSync(file, 0o666);
  return file;
}

describe.each(['namespaces', 'none'] as const)('exec (%s): running programs', (mode) => {
  const sandbox = MODES[mode];
  const runHere = (input: ExecInput, execAllow: readonly string[] | null = ['*']) =>
    run(input, execAllow, sandbox);

  it('passes argv literally, never through a shell', async () => {
    const output = await runHere({ command: ['echo', '$(id); rm -rf /'] }, ['echo']);
    expect(output).toEqual({
      exit_code: 0,
      stdout: '$(id); rm -rf /\n',
      stderr: '',
      stdout_truncated: false,
      stderr_truncated: false,
    });
  });

  it('gives the child PATH, HOME, LANG and its own env, never the worker environment', async () => {
    process.env.FORGEFLOW_TEST_SECRET = 'hunter2-secret';
    try {
      const env = { GREETING: 'hello world', LINES: 'a\\b\nc\\0101' };
      const output = await runHere({ command: ['env'], env });
      const names = output.stdout
        .trim()
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => line.split('=')[0]);
      expect(output.stdout).not.toContain('hunter2-secret');
      expect(output.stdout).toContain('GREETING=hello world\n');
      expect(output.stdout).toContain('LINES=a\\b\nc\\0101\n');
      expect(
        names.every((name) => ['PATH', 'HOME', 'LANG', ...Object.keys(env)].includes(name!)),
      ).toBe(true);
      if (mode === 'namespaces') expect(output.stdout).toContain('HOME=/home/forgeflow\n');
    } finally {
      delete process.env.FORGEFLOW_TEST_SECRET;
    }
  });

  it('runs a shell script that reads values from env only', async () => {
    const output = await runHere(
      { shell: 'printf "%s|" "$A" "$B"', env: { A: '$(id)', B: 'x y' } },
      ['sh'],
    );
    expect(output.stdout).toBe('$(id)|x y|');
  });

  it('runs in a fresh working directory of its own, removed when the attempt ends', async () => {
    // `ls -A` prints nothing: the folder starts empty.
    const first = await runHere({ shell: 'ls -A; echo made > file; pwd; cat file' });
    if (mode === 'namespaces') expect(first.stdout).toBe('/workspace\nmade\n');
    else
      expect(first.stdout).toMatch(
        new RegExp(`^${realpathSync(sandbox.workspaceRoot)}/attempt-\\w+/work\nmade\n$`),
      );
    const second = await runHere({ shell: 'ls -A' });
    expect(second.stdout).toBe('');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('runs in a cwd inside the working directory, and in none outside it', async () => {
    const work = mkdtempSync(path.join(dir, 'work-'));
    mkdirSync(path.join(work, 'sub'));
    chmodSync(work, 0o755);
    const inWork = { ...sandbox, workingDirectory: work };
    const output = await run({ command: ['pwd'], cwd: 'sub' }, ['*'], inWork);
    const base = mode === 'namespaces' ? '/workspace' : realpathSync(work);
    expect(output.stdout).toBe(`${base}/sub\n`);
    for (const cwd of ['../elsewhere', 'sub/../..', '/etc']) {
      const error = await rejection(run({ command: ['true'], cwd }, ['*'], inWork));
      expect([error.type, error.nonRetryable]).toEqual(['ExecBadCwd', true]);
      expect(error.message).toContain('outside');
    }
  });

  it('fails a non-zero exit with ExitCode, retryable, with output tails', async () => {
    const error = await rejection(runHere({ shell: 'echo out; echo err >&2; exit 3' }));
    expect(toErrorInfo(error)).toEqual({
      type: 'ExitCode',
      message: 'exited with code 3',
      non_retryable: false,
      details: { exit_code: 3, stdout_tail: 'out\n', stderr_tail: 'err\n' },
    });
  });

  it('says Signal when something else killed the program', async () => {
    const error = await rejection(runHere({ shell: 'kill -KILL $$' }));
    expect(error.type).toBe('Signal');
    expect(error.message).toContain('SIGKILL');
    const terminated = await rejection(runHere({ shell: 'echo bye; kill -TERM $$' }));
    expect(toErrorInfo(terminated)).toMatchObject({
      type: 'Signal',
      details: { signal: 'SIGTERM', stdout_tail: 'bye\n' },
    });
  });

  it('fails a missing program with non-retryable ExecNotFound', async () => {
    const error = await rejection(runHere({ command: ['forgeflow-no-such-program-xyz'] }));
    expect([error.type, error.nonRetryable]).toEqual(['ExecNotFound', true]);
  });

  it('fails a missing cwd with non-retryable ExecBadCwd', async () => {
    const error = await rejection(runHere({ command: ['true'], cwd: 'missing' }));
    expect([error.type, error.nonRetryable]).toEqual(['ExecBadCwd', true]);
  });

  it('keeps the first max_output_bytes of each stream and flags the truncation', async () => {
    const output = await runHere({
      shell: 'yes | head -c 5000; yes e | head -c 3000 >&2',
      max_output_bytes: 1024,
    });
    expect([output.stdout.length, output.stdout_truncated]).toEqual([1024, true]);
    expect([output.stderr.length, output.stderr_truncated]).toEqual([1024, true]);
    const small = await runHere({ shell: 'printf 1234', max_output_bytes: 1024 });
    expect([small.stdout, small.stdout_truncated]).toEqual(['1234', false]);
  });

  it('does not cut a UTF-8 character in half at the cap', async () => {
    // "é\n" is 3 bytes: 1024 bytes end with the first byte of an é, which is dropped.
    const output = await runHere({ shell: 'yes é | head -c 3000', max_output_bytes: 1024 });
    expect(output.stdout).toBe('é\n'.repeat(341));
  });
});

describe('exec: inputs refused before anything runs', () => {
  it('refuses max_output_bytes above its maximum, or not a whole number of at least 1024', async () => {
    for (const max_output_bytes of [MAX_OUTPUT_BYTES + 1, 100 * 1024 * 1024, 1023, 1.5]) {
      const error = await rejection(run({ command: ['true'], max_output_bytes }));
      expect([error.type, error.nonRetryable]).toEqual(['ExecBadInput', true]);
      expect(error.message).toContain(`from 1024 to ${MAX_OUTPUT_BYTES}`);
    }
    const most = await run({
      shell: 'head -c 9000000 /dev/zero',
      max_output_bytes: MAX_OUTPUT_BYTES,
    });
    expect([most.stdout.length, most.stdout_truncated]).toEqual([MAX_OUTPUT_BYTES, true]);
  });

  it('has the compiler report max_output_bytes above its maximum and bad env names, at their place', () => {
    const text = `version: 1
on: [manual]
jobs:
  big:
    uses: exec
    with: { command: [yes], max_output_bytes: 104857600, env: { BAD-NAME: x } }
`;
    const result = compilePipeline(text, manualEvent({ repo: 'octo/app' }), {
      file: 'pipeline.yaml',
      handlers: builtInRegistry,
    });
    expect(result.status === 'invalid' && formatDiagnostics(result.diagnostics, text)).toContain(
      'pipeline.yaml:6:47: "with.max_output_bytes" of job "big" must be at most 8388608, not 104857600 [input]',
    );
    expect(result.status === 'invalid' && result.diagnostics[1]).toMatchObject({
      line: 6,
      column: 65,
      message:
        'variable name "BAD-NAME" may use only letters, digits and "_", and must not start with a digit',
    });
  });

  it('refuses env names a shell cannot hold, and the sandbox’s own', async () => {
    for (const name of ['A-B', '1X', 'A=B', '', 'FORGEFLOW_SANDBOX_NAME']) {
      const error = await rejection(run({ command: ['true'], env: { [name]: 'x' } }));
      expect([error.type, error.nonRetryable]).toEqual(['ExecBadInput', true]);
    }
  });
});

describe('exec: the allow-list', () => {
  it('is off when execAllow is null', async () => {
    const error = await rejection(run({ command: ['echo', 'hi'] }, null));
    expect([error.type, error.nonRetryable]).toEqual(['ExecDisabled', true]);
    expect(error.message).toContain('FORGEFLOW_EXEC_ALLOW');
  });

  it('refuses programs not listed, naming them and how to allow them', async () => {
    const error = await rejection(run({ command: ['env'] }, ['echo', '/bin/true']));
    expect([error.type, error.nonRetryable]).toEqual(['ExecNotAllowed', true]);
    expect(error.message).toContain('"env"');
    expect(error.message).toContain('add env to FORGEFLOW_EXEC_ALLOW');
  });

  it('matches a bare name only to a bare argv[0], a path only to that path', async () => {
    expect((await rejection(run({ command: ['/bin/echo', 'x'] }, ['echo']))).type).toBe(
      'ExecNotAllowed',
    );
    expect((await rejection(run({ command: ['echo', 'x'] }, ['/bin/echo']))).type).toBe(
      'ExecNotAllowed',
    );
    expect((await run({ command: ['/bin/../bin/echo', 'x'] }, ['/bin/echo'])).stdout).toBe('x\n');
    // A relative program is taken from the working directory, here /bin itself.
    const inBin = { ...MODES.none, workingDirectory: '/bin' };
    expect((await run({ command: ['./echo', 'x'] }, ['/bin/echo'], inBin)).stdout).toBe('x\n');
  });

  it('needs sh or /bin/sh listed for a shell script', async () => {
    expect((await rejection(run({ shell: 'true' }, ['echo']))).type).toBe('ExecNotAllowed');
    expect((await run({ shell: 'echo ok' }, ['/bin/sh'])).stdout).toBe('ok\n');
  });

  it('refuses env that would change which program runs unless everything is allowed', async () => {
    const error = await rejection(run({ command: ['echo'], env: { PATH: dir } }, ['echo']));
    expect(error.type).toBe('ExecNotAllowed');
    expect(error.message).toContain('PATH');
    expect(
      (await run({ command: ['echo', 'ok'], env: { PATH: '/usr/bin:/bin' } }, ['*'])).stdout,
    ).toBe('ok\n');
  });

  it('refuses env names that make a program run code, whatever the allow-list', async () => {
    for (const name of ['LD_PRELOAD', 'BASH_ENV', 'NODE_OPTIONS', 'PYTHONSTARTUP']) {
      const error = await rejection(run({ command: ['echo', 'ok'], env: { [name]: 'x' } }, ['*']));
      expect(error.type).toBe('ExecNotAllowed');
      expect(error.message).toContain(name);
    }
  });
});

describe('exec (none): abort and the process group', () => {
  const unsandboxed = testContextIn(MODES.none);

  it('kills the whole group, grandchildren too, and says why it stopped', async () => {
    const { context, controller } = unsandboxed();
    const pidFile = fifo();
    const running = quick.run(
      { shell: 'sleep 1000 & echo $! > "$PIDS"; sleep 1000', env: { PIDS: pidFile } },
      context,
    );
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    controller.abort('timeout: 30s per attempt');
    const error = await rejection(running);
    expect(error.type).toBe('Aborted');
    expect(error.message).toContain('timeout: 30s per attempt');
    await expectDead(grandchild);
  });

  it('SIGKILLs after the grace period what ignores SIGTERM', async () => {
    const { context, controller } = unsandboxed();
    const pidFile = fifo();
    const running = quick.run(
      { shell: 'trap "" TERM; sleep 1000 & echo $$ $! > "$PIDS"; wait', env: { PIDS: pidFile } },
      context,
    );
    const pids = (await readFile(pidFile, 'utf8')).trim().split(' ').map(Number);
    controller.abort(new Error('run canceled by alice'));
    const error = await rejection(running);
    expect(error.message).toBe('exec aborted: run canceled by alice');
    for (const pid of pids) await expectDead(pid);
  });

  it('does not start anything when already aborted', async () => {
    const { context, controller } = unsandboxed();
    controller.abort('shutdown');
    const error = await rejection(execHandler.run({ command: ['true'] }, context));
    expect([error.type, error.message]).toEqual(['Aborted', 'exec aborted: shutdown']);
  });

  it('leaves nothing of the group running after the program exits', async () => {
    const output = await quick.run({ shell: 'sleep 1000 & echo $!' }, unsandboxed().context);
    await expectDead(Number(output.stdout.trim()));
  });
});

describe('exec (namespaces): abort and the sandbox', () => {
  // The step writes its PID namespace to a FIFO in its working directory; the test then sees
  // from the host which processes are in it.
  const shared = mkdtempSync(path.join(dir, 'shared-'));
  chmodSync(shared, 0o755);
  const sandboxed = testContextIn({ ...MODES.namespaces, workingDirectory: shared });
  const NAMESPACE = '"$(readlink /proc/self/ns/pid)"';

  it('kills every process of the sandbox, grandchildren too, and says why it stopped', async () => {
    const { context, controller } = sandboxed();
    const report = fifo(shared);
    const running = quick.run(
      {
        shell: `sleep 1000 & echo ${NAMESPACE} > "$REPORT"; sleep 1000`,
        env: { REPORT: path.basename(report) },
      },
      context,
    );
    const namespace = (await readFile(report, 'utf8')).trim();
    expect(namespaceMembers(namespace).length).toBeGreaterThanOrEqual(3);
    controller.abort('timeout: 30s per attempt');
    const error = await rejection(running);
    expect([error.type, error.message]).toEqual([
      'Aborted',
      'exec aborted: timeout: 30s per attempt',
    ]);
    await expectNamespaceGone(namespace);
  });

  it('SIGKILLs after the grace period what ignores SIGTERM', async () => {
    const { context, controller } = sandboxed();
    const report = fifo(shared);
    const running = quick.run(
      {
        shell: `trap "" TERM; sleep 1000 & echo ${NAMESPACE} > "$REPORT"; wait`,
        env: { REPORT: path.basename(report) },
      },
      context,
    );
    const namespace = (await readFile(report, 'utf8')).trim();
    controller.abort(new Error('run canceled by alice'));
    expect((await rejection(running)).message).toBe('exec aborted: run canceled by alice');
    await expectNamespaceGone(namespace);
  });

  it('leaves nothing running after the program exits', async () => {
    const output = await quick.run(
      { shell: `sleep 1000 & echo ${NAMESPACE}` },
      sandboxed().context,
    );
    await expectNamespaceGone(output.stdout.trim());
  });
});

function testContextIn(execSandbox: SandboxSettings) {
  return () => testContext({ execSandbox });
}

describe('exec (namespaces): the network', () => {
  // A local service (here a TCP listener standing for a database that trusts local
  // connections): reachable with the host's network, not with FORGEFLOW_EXEC_NETWORK=none.
  const connect = {
    command: ['bash', '-c', 'exec 3<>"/dev/tcp/127.0.0.1/$1" && echo connected', 'connect'],
  };

  it('shares the host network by default, and none keeps a step off it, loopback included', async () => {
    const server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      const input = { command: [...connect.command, port] };
      expect((await run(input)).stdout).toBe('connected\n');
      const isolated = { ...MODES.namespaces, network: 'none' as const };
      const error = await rejection(run(input, ['*'], isolated));
      expect(error.type).toBe('ExitCode');
      expect(JSON.stringify(error.details)).not.toContain('connected');
    } finally {
      server.close();
    }
  });
});
