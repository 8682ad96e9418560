/**
 * examples/local.yaml, the tour's pipeline for `forgeflow run`, run to the end twice in a row on
 * one machine: its flaky step fails its first attempt and is retried in every run, not only on
 * the machine's first (issue 13 §6). The steps run unsandboxed, so /tmp is the machine's own,
 * as on a machine without the sandbox (macOS): a mark kept there must be the run's own.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-local-example-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('retries the flaky step in each of two runs in a row', { timeout: 240_000 }, async () => {
  for (let round = 1; round <= 2; round++) {
    const { code, out, err } = await runCli(
      'run',
      'examples/local.yaml',
      '--event',
      'examples/events/github-push-branch.json',
      '--data-dir',
      join(dir, 'data'),
      '--workdir',
      dir,
      '--exec-sandbox',
      'none',
      '--signal',
      'approve={"by":"you"}',
    );
    expect(code, `round ${round}:\n${out}\n${err}`).toBe(0);
    expect(out).toContain('flaky: retrying (ExitCode: exited with code 3; again in');
    expect(out).toContain('flaky: running (attempt 2)');
    expect(out).toContain('flaky: succeeded');
    const runId = /run ([0-9a-f-]{36}) succeeded/.exec(out)?.[1];
    // The marks of the run's steps went with it.
    expect(existsSync(`/tmp/forgeflow-flaky-${runId}`)).toBe(false);
    expect(existsSync(`/tmp/forgeflow-poll-${runId}`)).toBe(false);
  }
});
