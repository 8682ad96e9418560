/**
 * Issue 12 §3, script injection through argv: every bypass of the "no `${{ }}` in shell:" rule
 * reported (sh -c, /bin/sh, bash, a command built by fromJSON(format(...)), BASH_ENV from a PR
 * title) is refused at compile time with line, column, rule and the safe pattern; the near
 * misses compile; and the safe pattern, run, treats a `$(touch …)` title as data.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePipeline, type Diagnostic } from '../../src/compiler/index.js';
import { evaluateValue } from '../../src/expressions/evaluate.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import { execHandler, type ExecInput } from '../../src/handlers/exec.js';
import { testContext } from '../handlers/context.js';
import { graphOf, pullRequest } from './helpers.js';

function diagnostics(text: string): Diagnostic[] {
  const result = validatePipeline(text, { file: 'pipeline.yaml', handlers: builtInRegistry });
  return result.diagnostics.filter((d) => d.severity === 'error');
}

const job = (withBlock: string, extra = '') => `version: 1
on: [pull_request]
${extra}jobs:
  check:
    uses: exec
    with:
${withBlock}`;

/** The one script-injection diagnostic of a pipeline: where it is and what it says. */
function refused(text: string): Diagnostic {
  const found = diagnostics(text);
  expect(found.map((d) => d.rule)).toEqual(['script-injection']);
  return found[0]!;
}

describe('the bypasses of issue 12', () => {
  it('refuses the PR title in the code of sh -c, with the place and the safe pattern', () => {
    const d = refused(job('      command: [sh, -c, "echo ${{ event.pr.title }}"]\n'));
    expect(d).toMatchObject({ line: 7, column: 31, rule: 'script-injection' });
    expect(d.length).toBe('${{ event.pr.title }}'.length);
    expect(d.message).toBe(
      '"${{ event.pr.title }}" is pasted into the code that "sh -c" runs (script injection); set the value under "with.env" and read it as "$NAME"',
    );
  });

  it.each([
    ['/bin/sh', '[/bin/sh, -c, "echo ${{ event.pr.title }}"]'],
    ['bash', '[bash, -c, "echo ${{ event.pr.title }}"]'],
    ['bash -ec', '[/usr/bin/bash, -ec, "echo ${{ event.pr.title }}"]'],
    ['env sh -c', '[env, sh, -c, "${{ event.pr.title }}"]'],
    ['python3 -c', '[python3, -c, "print(\'${{ event.pr.title }}\')"]'],
    ['node -e', '[node, -e, "console.log(`${{ event.pr.title }}`)"]'],
    ['perl -e', '[perl, -e, "print q(${{ event.pr.title }})"]'],
  ])('refuses it through %s', (_, command) => {
    expect(refused(job(`      command: ${command}\n`)).message).toMatch(/is pasted into the code/);
  });

  it('refuses a command built with fromJSON(format(...)): it cannot be checked', () => {
    const d = refused(
      job(
        `      command: "\${{ fromJSON(format('[\\"sh\\", \\"-c\\", \\"echo {0}\\"]', event.pr.title)) }}"\n`,
      ),
    );
    expect(d).toMatchObject({ line: 7, column: 17 });
    expect(d.message).toMatch(/^"command" is one expression/);
  });

  it("refuses BASH_ENV from the title in exec's env, a job's env and the pipeline's env", () => {
    const inWith = refused(
      job('      command: [./ci/lint.sh]\n      env: { BASH_ENV: "${{ event.pr.title }}" }\n'),
    );
    expect(inWith).toMatchObject({ line: 8, column: 14 });
    expect(inWith.message).toBe(
      '"BASH_ENV" makes bash run the file it names before any script; env may not set it, whatever its value (script injection)',
    );
    const inJob = `version: 1
on: [pull_request]
jobs:
  check:
    env: { BASH_ENV: /etc/profile }
    uses: exec
    with: { command: [./ci/lint.sh] }
`;
    expect(refused(inJob)).toMatchObject({ line: 5, column: 12 });
    expect(
      refused(
        job('      command: [./ci/lint.sh]\n', 'env: { NODE_OPTIONS: "--require=./x.js" }\n'),
      ),
    ).toMatchObject({ line: 3, column: 8 });
  });

  it('refuses an env that is one expression: its names cannot be checked', () => {
    const d = refused(
      job('      command: [./ci/lint.sh]\n      env: "${{ fromJSON(event.pr.title) }}"\n'),
    );
    expect(d.message).toMatch(/^"env" is one expression/);
  });

  it('refuses a computed PATH, but not a literal one', () => {
    expect(
      refused(job('      command: [make]\n      env: { PATH: "${{ event.pr.head_ref }}" }\n'))
        .message,
    ).toMatch(/^"PATH" chooses which programs run, so its value may not come from/);
    expect(diagnostics(job('      command: [make]\n      env: { PATH: /usr/bin:/bin }\n'))).toEqual(
      [],
    );
  });

  it('checks a poll that runs exec too', () => {
    const text = `version: 1
on: [pull_request]
jobs:
  wait:
    uses: http.request
    with: { url: "https://ci.example/start" }
    poll:
      uses: exec
      with: { command: [sh, -c, "test \${{ output.body.state }} = done"] }
      every: 30s
      until: "\${{ output.exit_code == 0 }}"
`;
    expect(refused(text)).toMatchObject({ line: 9 });
  });

  it('reports every refused argument at once, in file order', () => {
    const found = diagnostics(
      job(
        '      command: [env, "BASH_ENV=${{ event.pr.title }}", bash, -c, "${{ event.pr.title }}"]\n',
      ),
    );
    expect(found.map((d) => [d.line, d.column, d.rule])).toEqual([
      [7, 32, 'script-injection'],
      [7, 67, 'script-injection'],
    ]);
  });
});

describe('near misses that compile', () => {
  it.each([
    [
      'the title through env',
      '      command: [sh, -c, \'echo "$TITLE"\']\n      env: { TITLE: "${{ event.pr.title }}" }\n',
    ],
    [
      'a positional argument of sh -c',
      '      command: [sh, -c, \'echo "$1"\', sh, "${{ event.pr.title }}"]\n',
    ],
    ['an argument after a script', '      command: [bash, ./x.sh, "${{ event.pr.title }}"]\n'],
    [
      'an argument of a program that runs no code',
      '      command: [echo, "${{ event.pr.title }}; rm -rf /"]\n',
    ],
    ['a git message', '      command: [git, commit, -m, "${{ event.pr.title }}"]\n'],
    ['a literal GIT_PAGER', '      command: [git, log]\n      env: { GIT_PAGER: cat }\n'],
  ])('%s', (_, withBlock) => {
    expect(diagnostics(job(withBlock))).toEqual([]);
  });

  it('takes values the config itself sets (matrix, run) even in code', () => {
    const text = `version: 1
on: [pull_request]
jobs:
  build:
    matrix: { target: [x86_64, aarch64] }
    uses: exec
    with: { command: [sh, -c, "make TARGET=\${{ matrix.target }} RUN=\${{ run.id }}"] }
  pack:
    matrix: { target: [x86_64, aarch64] }
    uses: exec
    with: { command: [make, "\${{ matrix.target }}"] }
`;
    expect(diagnostics(text)).toEqual([]);
  });

  it('but refuses outside data after a config value it cannot read', () => {
    const text = `version: 1
on: [pull_request]
jobs:
  build:
    matrix: { flag: [-c] }
    uses: exec
    with: { command: [bash, "\${{ matrix.flag }}", "\${{ event.pr.title }}"] }
`;
    expect(refused(text).message).toMatch(/comes after "\$\{\{ matrix\.flag \}\}"/);
  });
});

describe('the safe pattern, run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'forgeflow-injection-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('treats a title holding $(touch …) as data', async () => {
    const marker = join(dir, 'pwned');
    const title = `$(touch ${marker})\`touch ${marker}\``;
    const text = job(
      '      command: [sh, -c, \'printf "%s" "$TITLE"\']\n      env: { TITLE: "${{ event.pr.title }}" }\n',
    );
    const event = pullRequest('opened', { title });
    const node = graphOf(text, event).graph.nodes[0]!;
    if (node.action.kind !== 'activity') throw new Error('an activity');
    const input = evaluateValue(node.action.input, { event }) as ExecInput;
    const output = await execHandler.run(input, testContext({ execAllow: ['sh'] }).context);
    expect(output.stdout).toBe(title);
    expect(existsSync(marker)).toBe(false);
  });
});
