/**
 * Every exec attempt's directory is gone when the attempt ends, however it ends: in the
 * namespace sandbox and without it, after a program that fails, one that is not found, and (on
 * the host, where the test can see the program start) one that is aborted while it runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createExecHandler } from '../../src/handlers/exec.js';
import { defaultSandboxSettings, type SandboxMode } from '../../src/handlers/sandbox/settings.js';
import { rejection, testContext } from './context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'forgeflow-exec-workspace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exec = createExecHandler({ killGraceMs: 200 });

function settingsOf(mode: SandboxMode, name: string) {
  const workspaceRoot = path.join(dir, `${mode}-${name}`);
  return mode === 'none'
    ? defaultSandboxSettings({ mode: 'none', workspaceRoot })
    : defaultSandboxSettings({ workspaceRoot });
}

describe.each(['namespaces', 'none'] as const)('exec (%s): the attempt directory', (mode) => {
  it('is removed after a program that fails, with what it wrote', async () => {
    const sandbox = settingsOf(mode, 'fails');
    const { context } = testContext({ execSandbox: sandbox });
    const error = await rejection(
      exec.run(
        { shell: 'mkdir -p deep/er && echo x > deep/er/f && chmod 500 deep; exit 3' },
        context,
      ),
    );
    expect(error.type).toBe('ExitCode');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });

  it('is removed after a program that is not found', async () => {
    const sandbox = settingsOf(mode, 'missing');
    const { context } = testContext({ execSandbox: sandbox });
    const error = await rejection(exec.run({ command: ['no-such-program-here'] }, context));
    expect(error.type).toBe('ExecNotFound');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });
});

describe('exec (none): the attempt directory of an aborted attempt', () => {
  it('is removed once the program is stopped', async () => {
    const sandbox = settingsOf('none', 'aborted');
    const { context, controller } = testContext({ execSandbox: sandbox });
    const started = path.join(dir, 'started');
    execFileSync('mkfifo', [started]);
    const running = exec.run(
      { shell: 'pwd > "$STARTED"; exec sleep 1000', env: { STARTED: started } },
      context,
    );
    const work = (await readFile(started, 'utf8')).trim();
    expect(work.startsWith(path.join(dir, 'none-aborted'))).toBe(true);
    expect(readdirSync(sandbox.workspaceRoot)).toHaveLength(1);
    controller.abort('canceled');
    expect((await rejection(running)).type).toBe('Aborted');
    expect(readdirSync(sandbox.workspaceRoot)).toEqual([]);
  });
});
