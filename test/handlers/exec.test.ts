/**
 * The exec handler against real processes: argv passed literally, the minimal environment, the
 * allow-list, output caps, and that abort or exit leaves no process of the group behind.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { ExecInput } from '../../src/handlers/exec.js';
import { createExecHandler, execHandler } from '../../src/handlers/exec.js';
import { toErrorInfo } from '../../src/handlers/types.js';
import { rejection, testContext } from './context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-exec-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const quick = createExecHandler({ killGraceMs: 200 });

function run(input: ExecInput, execAllow: readonly string[] | null = ['*']) {
  return execHandler.run(input, testContext({ execAllow }).context);
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

let fifos = 0;
function fifo(): string {
  const file = path.join(dir, `fifo-${++fifos}`);
  execFileSync('mkfifo', [file]);
  return file;
}

describe('exec: running programs', () => {
  it('passes argv literally, never through a shell', async () => {
    const output = await run({ command: ['echo', '$(id); rm -rf /'] }, ['echo']);
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
      const output = await run({ command: ['env'], env: { GREETING: 'hello world' } });
      const names = output.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=')[0]);
      expect(output.stdout).not.toContain('hunter2-secret');
      expect(output.stdout).toContain('GREETING=hello world\n');
      expect(names.every((name) => ['PATH', 'HOME', 'LANG', 'GREETING'].includes(name ?? ''))).toBe(
        true,
      );
    } finally {
      delete process.env.FORGEFLOW_TEST_SECRET;
    }
  });

  it('runs a shell script that reads values from env only', async () => {
    const output = await run({ shell: 'printf "%s|" "$A" "$B"', env: { A: '$(id)', B: 'x y' } }, [
      'sh',
    ]);
    expect(output.stdout).toBe('$(id)|x y|');
  });

  it('runs in cwd', async () => {
    const output = await run({ command: ['pwd'], cwd: dir });
    expect(output.stdout).toBe(`${realpathSync(dir)}\n`);
  });

  it('fails a non-zero exit with ExitCode, retryable, with output tails', async () => {
    const error = await rejection(run({ shell: 'echo out; echo err >&2; exit 3' }));
    expect(toErrorInfo(error)).toEqual({
      type: 'ExitCode',
      message: 'exited with code 3',
      non_retryable: false,
      details: { exit_code: 3, stdout_tail: 'out\n', stderr_tail: 'err\n' },
    });
  });

  it('says Signal when something else killed the program', async () => {
    const error = await rejection(run({ shell: 'kill -KILL $$' }));
    expect(error.type).toBe('Signal');
    expect(error.message).toContain('SIGKILL');
  });

  it('fails a missing program with non-retryable ExecNotFound', async () => {
    const error = await rejection(run({ command: ['forgeflow-no-such-program-xyz'] }));
    expect([error.type, error.nonRetryable]).toEqual(['ExecNotFound', true]);
  });

  it('fails a missing cwd with non-retryable ExecBadCwd', async () => {
    const error = await rejection(run({ command: ['true'], cwd: path.join(dir, 'missing') }));
    expect([error.type, error.nonRetryable]).toEqual(['ExecBadCwd', true]);
  });

  it('keeps the first max_output_bytes of each stream and flags the truncation', async () => {
    const output = await run({
      shell: 'yes | head -c 5000; yes e | head -c 3000 >&2',
      max_output_bytes: 1024,
    });
    expect([output.stdout.length, output.stdout_truncated]).toEqual([1024, true]);
    expect([output.stderr.length, output.stderr_truncated]).toEqual([1024, true]);
    const small = await run({ shell: 'printf 1234', max_output_bytes: 1024 });
    expect([small.stdout, small.stdout_truncated]).toEqual(['1234', false]);
  });

  it('does not cut a UTF-8 character in half at the cap', async () => {
    // "é\n" is 3 bytes: 1024 bytes end with the first byte of an é, which is dropped.
    const output = await run({ shell: 'yes é | head -c 3000', max_output_bytes: 1024 });
    expect(output.stdout).toBe('é\n'.repeat(341));
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
    expect((await run({ command: ['./echo', 'x'], cwd: '/bin' }, ['/bin/echo'])).stdout).toBe(
      'x\n',
    );
  });

  it('needs sh or /bin/sh listed for a shell script', async () => {
    expect((await rejection(run({ shell: 'true' }, ['echo']))).type).toBe('ExecNotAllowed');
    expect((await run({ shell: 'echo ok' }, ['/bin/sh'])).stdout).toBe('ok\n');
  });

  it('refuses env that would change which program runs unless everything is allowed', async () => {
    const error = await rejection(run({ command: ['echo'], env: { PATH: dir } }, ['echo']));
    expect(error.type).toBe('ExecNotAllowed');
    expect(error.message).toContain('PATH');
    expect((await run({ command: ['echo', 'ok'], env: { LD_PRELOAD: '' } }, ['*'])).stdout).toBe(
      'ok\n',
    );
  });
});

describe('exec: abort and the process group', () => {
  it('kills the whole group, grandchildren too, and says why it stopped', async () => {
    const { context, controller } = testContext();
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
    const { context, controller } = testContext();
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
    const { context, controller } = testContext();
    controller.abort('shutdown');
    const error = await rejection(execHandler.run({ command: ['true'] }, context));
    expect([error.type, error.message]).toEqual(['Aborted', 'exec aborted: shutdown']);
  });

  it('leaves nothing of the group running after the program exits', async () => {
    const output = await quick.run({ shell: 'sleep 1000 & echo $!' }, testContext().context);
    await expectDead(Number(output.stdout.trim()));
  });
});
