/**
 * `forgeflow run`: a pipeline run here to the end on an embedded database in a temporary
 * directory, with plain progress lines (not a terminal) and the run's result as exit code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'forgeflow-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    color: false,
    readFile: (path) => readFileSync(isAbsolute(path) ? path : join(root, path), 'utf8'),
  });
  return { code, out, err };
}

const PUSH = 'examples/events/github-push-branch.json';

describe('forgeflow run', () => {
  it('runs a pipeline to the end and exits 0 when it succeeds', async () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  hello:
    uses: exec
    with: { command: [echo, "\${{ event.repo.full_name }}"] }
  shout:
    needs: hello
    uses: exec
    with: { shell: 'printf "%s" "$WHO" | tr a-z A-Z', env: { WHO: "\${{ needs.hello.output.stdout }}" } }
`,
    );
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain('hello: running');
    expect(out).toContain('shout: succeeded');
    expect(out).toMatch(/run [0-9a-f-]{36} succeeded\n$/);
    expect(code).toBe(0);
  }, 60_000);

  it('exits 1 with the failure in the progress when the run fails', async () => {
    const file = join(dir, 'fail.yaml');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  broken:
    uses: exec
    with: { command: [sh, -c, "exit 7"] }
    retry: { maximum_attempts: 1 }
`,
    );
    const { code, out } = await run('run', file, '--event', PUSH, '--data-dir', join(dir, 'db'));
    expect(out).toContain('broken: failed (ExitCode: exited with code 7');
    expect(out).toMatch(/run [0-9a-f-]{36} failed\n$/);
    expect(code).toBe(1);
  }, 60_000);

  it('shows a poll in its child run, and gives --signal to the wait that needs it', async () => {
    const file = join(dir, 'poll.yaml');
    const counter = join(dir, 'polls');
    writeFileSync(
      file,
      `version: 1
on: push
jobs:
  submit:
    uses: exec
    with: { command: [echo, submitted] }
    poll:
      uses: exec
      with: { command: [sh, -c, 'n=$(( $(cat "$0" 2>/dev/null || echo 0) + 1 )); echo $n > "$0"; echo $n', "${counter}"] }
      every: 100ms
      until: \${{ fromJSON(output.stdout) >= 2 }}
  gate:
    needs: submit
    wait_for: { signal: approve, timeout: 1m }
  after:
    needs: gate
    uses: exec
    with: { command: [echo, "approved by \${{ needs.gate.output.by }}"] }
`,
    );
    const { code, out } = await run(
      'run',
      file,
      '--event',
      PUSH,
      '--data-dir',
      join(dir, 'db'),
      '--signal',
      'approve={"by":"octocat"}',
    );
    expect(out).toMatch(/submit: waiting \(polling in child run [0-9a-f-]{36}\)/);
    expect(out).toContain('submit: waiting (polled 1 time; next at');
    expect(out).toContain('gate: succeeded');
    expect(out).toMatch(/run [0-9a-f-]{36} succeeded\n$/);
    expect(readFileSync(counter, 'utf8')).toBe('2\n');
    expect(code).toBe(0);
  }, 60_000);

  it('exits 2 for a --signal that is not a signal name', async () => {
    const { code, err } = await run(
      'run',
      'examples/local.yaml',
      '--event',
      PUSH,
      '--signal',
      'not a name',
    );
    expect(code).toBe(2);
    expect(err).toContain('"not a name" is not a signal name');
  });

  it('exits 1 and starts nothing for an event the pipeline does not take', async () => {
    const { code, out } = await run(
      'run',
      'examples/local.yaml',
      '--event',
      'examples/events/github-pull_request-closed.json',
      '--data-dir',
      join(dir, 'db'),
    );
    expect(out).toContain('starts nothing');
    expect(code).toBe(1);
  });

  it('exits 2 without --event', async () => {
    expect((await run('run', 'examples/local.yaml')).code).toBe(2);
  });
});
