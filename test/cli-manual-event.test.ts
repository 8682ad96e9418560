/**
 * `plan` and `run` without --event start the pipeline as a manual start would (issue 13 §3:
 * examples/tour.yaml could not be run locally): a repository named after the directory, no
 * particular commit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localManualEvent } from '../src/cli/read-event.js';
import { runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-manual-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('without --event', () => {
  it('is a manual start of local/<directory>', () => {
    const event = localManualEvent('/home/me/my app!');
    expect(event).toMatchObject({ kind: 'manual', repo: { full_name: 'local/my-app-' } });
    expect(event.sha).toBe('0'.repeat(40));
    expect(localManualEvent('/').repo.full_name).toBe('local/here');
  });

  it('plan shows the graph of a manual pipeline (the tour)', async () => {
    const { code, out } = await runCli('plan', 'examples/tour.yaml');
    expect(code).toBe(0);
    expect(out).toMatch(/settle/);
    expect(out).toMatch(/approve/);
  });

  it('run runs a manual pipeline to the end', async () => {
    const file = join(dir, 'hello.yaml');
    writeFileSync(
      file,
      'version: 1\non: manual\njobs:\n  hello:\n    uses: exec\n    with: { command: [echo, "${{ event.repo.full_name }}"] }\n',
    );
    const { code, out } = await runCli('run', file, '--data-dir', join(dir, 'db'));
    expect(out).toMatch(/hello: succeeded/);
    expect(out).toMatch(/run [0-9a-f-]+ succeeded/);
    expect(code).toBe(0);
  }, 60_000); // a whole process that opens an embedded database, as cli-run.test.ts's

  it('refuses --event-type with no --event', async () => {
    const { code, err } = await runCli('plan', 'examples/tour.yaml', '--event-type', 'push');
    expect(code).toBe(2);
    expect(err).toMatch(/--event-type describes an --event PAYLOAD.json, and none was given/);
  });
});
