import { describe, expect, it } from 'vitest';
import { compile, graphOf, manual } from './helpers.js';

const pipeline = (jobs: string) => `version: 1\non: [manual]\njobs:\n${jobs}`;

function controls(text: string) {
  const { graph } = graphOf(pipeline(text), manual());
  return Object.fromEntries(
    graph.nodes.map((n) => [
      n.id,
      {
        fail_fast: n.fail_fast,
        max_parallel: n.max_parallel,
        continue_on_error: n.continue_on_error,
      },
    ]),
  );
}

function messages(text: string): string[] {
  const result = compile(pipeline(text), manual());
  return result.status === 'invalid'
    ? result.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message} [${d.rule}]`)
    : [];
}

describe('matrix controls in the graph', () => {
  it('fails fast by default on a matrix of two or more, as GitHub Actions does', () => {
    const nodes = controls(`
  build:
    matrix: { t: [a, b] }
    uses: exec
    with: { command: [echo] }
  one:
    matrix: { t: [a] }
    uses: exec
    with: { command: [echo] }
  plain:
    uses: exec
    with: { command: [echo] }
`);
    expect(nodes['build[a]']!.fail_fast).toBe(true);
    expect(nodes['build[b]']!.fail_fast).toBe(true);
    // Nothing to cancel: the field is left out, and the graph is what it was before controls.
    expect(nodes['one[a]']!.fail_fast).toBeUndefined();
    expect(nodes.plain!.fail_fast).toBeUndefined();
  });

  it('writes max_parallel only where it holds back an instance, and fail_fast: false not at all', () => {
    const nodes = controls(`
  narrow:
    matrix: { t: [a, b, c] }
    fail_fast: false
    max_parallel: 2
    uses: exec
    with: { command: [echo] }
  wide:
    matrix: { t: [a, b] }
    max_parallel: 2
    uses: exec
    with: { command: [echo] }
`);
    expect(nodes['narrow[a]']).toEqual({ max_parallel: 2 });
    expect(nodes['narrow[c]']).toEqual({ max_parallel: 2 });
    expect(nodes['wide[a]']).toEqual({ fail_fast: true });
  });

  it('evaluates continue_on_error for each combination', () => {
    const nodes = controls(`
  test:
    matrix:
      os: [f41, f42]
      include: [{ os: rawhide, experimental: true }]
    continue_on_error: \${{ matrix.experimental || matrix.os == 'f42' }}
    uses: exec
    with: { command: [echo] }
  always:
    continue_on_error: true
    uses: exec
    with: { command: [echo] }
`);
    expect(nodes['test[f41]']!.continue_on_error).toBeUndefined();
    expect(nodes['test[f42]']!.continue_on_error).toBe(true);
    expect(nodes['test[rawhide, true]']!.continue_on_error).toBe(true);
    expect(nodes.always!.continue_on_error).toBe(true);
  });
});

describe('matrix control diagnostics', () => {
  it('refuses fail_fast and max_parallel without a matrix', () => {
    expect(
      messages(`
  one:
    fail_fast: true
    max_parallel: 2
    uses: exec
    with: { command: [echo] }
`),
    ).toEqual([
      '6:5: "fail_fast" applies only to a job with a "matrix"; job "one" has none [matrix]',
      '7:5: "max_parallel" applies only to a job with a "matrix"; job "one" has none [matrix]',
    ]);
  });

  it('wants max_parallel a whole number from 1 to 256', () => {
    for (const bad of ['0', '1.5', '257', '"2"']) {
      const found = messages(`
  build:
    matrix: { t: [a, b] }
    max_parallel: ${bad}
    uses: exec
    with: { command: [echo] }
`);
      expect(found, bad).toHaveLength(1);
      expect(found[0], bad).toMatch(/^7:19: .*max_parallel.* \[schema\]$/);
    }
  });

  it('wants continue_on_error a boolean or one expression over matrix', () => {
    const found = messages(`
  a:
    matrix: { t: [x, y] }
    continue_on_error: "yes"
    uses: exec
    with: { command: [echo] }
  b:
    matrix: { t: [x, y] }
    continue_on_error: \${{ needs.a.result == 'failure' }}
    uses: exec
    with: { command: [echo] }
  c:
    matrix: { t: [x, y] }
    continue_on_error: \${{ matrix.tt }}
    uses: exec
    with: { command: [echo] }
  d:
    continue_on_error: \${{ fromJSON(matrix.t) }}
    matrix: { t: ['{', '[]'] }
    uses: exec
    with: { command: [echo] }
`);
    expect(found).toHaveLength(4);
    expect(found[0]).toMatch(/^7:24: "continue_on_error" is true, false or one expression/);
    expect(found[1]).toMatch(/^12:24: .*needs.*\[expression\]$/);
    expect(found[2]).toMatch(/^17:24: .*no key "tt"; did you mean "t"\?.*\[expression\]$/);
    expect(found[3]).toMatch(/^21:24: cannot evaluate "fromJSON\(matrix.t\)".*\[expression\]$/);
  });
});

describe('GitHub Actions spellings', () => {
  it('suggests the controls for strategy keys written as in a workflow', () => {
    const found = messages(`
  test:
    matrix: { t: [a, b] }
    fail-fast: false
    max-parallel: 1
    continue-on-error: true
    uses: exec
    with: { command: [echo] }
`);
    expect(found.map((m) => m.replace(/; expected one of.*/, ''))).toEqual([
      '7:5: unknown key "fail-fast" in job "test"; did you mean "fail_fast"? [schema]',
      '8:5: unknown key "max-parallel" in job "test"; did you mean "max_parallel"? [schema]',
      '9:5: unknown key "continue-on-error" in job "test"; did you mean "continue_on_error"? [schema]',
    ]);
  });
});
