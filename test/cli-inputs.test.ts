/**
 * `forgeflow run FILE --input NAME=VALUE` and `forgeflow plan … --input`, the built command in
 * its own process: the text is read as the declared type, an exec step reads the value through
 * `env:` (never through its script), and inputs that do not fit are listed, each on its line,
 * before anything runs (exit 2).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forgeflowProcess } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-cli-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'greet.yaml');
writeFileSync(
  file,
  `version: 1
on:
  manual:
    inputs:
      who: { required: true }
      times: { type: number, default: 1 }
      loud: { type: boolean }
jobs:
  greet:
    uses: exec
    with:
      shell: 'printf "hello %s x%s loud=%s" "$WHO" "$TIMES" "$LOUD" > greeting.txt'
      env: { WHO: "\${{ inputs.who }}", TIMES: "\${{ inputs.times }}", LOUD: "\${{ inputs.loud }}" }
`,
);

const forgeflow = (args: string[]) => forgeflowProcess(args);

describe('forgeflow run --input', () => {
  it('runs with the inputs given, read as their types, through env: to the step', async () => {
    const { code, stdout } = await forgeflow([
      'run',
      file,
      '--data-dir',
      join(dir, 'data'),
      '--exec-sandbox',
      'none',
      '--workdir',
      dir,
      '--input',
      'who=$(id) "world"',
      '--input',
      'loud=TRUE',
      '--input',
      'times=3',
    ]);
    expect(stdout).toMatch(/run [0-9a-f-]{36} succeeded/);
    expect(readFileSync(join(dir, 'greeting.txt'), 'utf8')).toBe(
      'hello $(id) "world" x3 loud=true',
    );
    expect(code).toBe(0);
  }, 60_000);

  it('lists the inputs that do not fit and runs nothing (exit 2)', async () => {
    const { code, stdout, stderr } = await forgeflow([
      'run',
      file,
      '--data-dir',
      join(dir, 'data'),
      '--input',
      'times=three',
      '--input',
      'lound=true',
    ]);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `forgeflow run: ${file}: the inputs do not fit the pipeline:\n` +
        '  input "lound": no input "lound" is declared; did you mean "loud"?; declared: who, times, loud\n' +
        '  input "who": "who" is required\n' +
        '  input "times": "times" must be a number; got "three"\n',
    );
    expect(code).toBe(2);
  }, 60_000);

  it('shows the typed values in the graph plan prints', async () => {
    const { code, stdout } = await forgeflow([
      'plan',
      file,
      '--format',
      'json',
      '--input',
      'who=me',
    ]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { graph: { inputs: unknown } }).graph.inputs).toEqual({
      who: 'me',
      times: 1,
      loud: false,
    });
  }, 60_000);

  it('refuses --input with an --event payload (exit 2)', async () => {
    const { code, stderr } = await forgeflow([
      'plan',
      file,
      '--event',
      'examples/events/github-push-branch.json',
      '--input',
      'who=me',
    ]);
    expect(stderr).toContain(
      '--input gives a manual start its inputs; an --event payload has none',
    );
    expect(code).toBe(2);
  }, 60_000);
});
