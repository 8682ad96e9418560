/**
 * The job key `checkout:`: only on `uses: exec` jobs (an actionlint-style diagnostic at the key
 * otherwise), never written into exec's `with:`, and compiled into exec's `checkout` input as
 * expressions over the event, which evaluate to the event's repository and commit.
 */
import { describe, expect, it } from 'vitest';

import { formatDiagnostics } from '../../src/compiler/index.js';
import { evaluateValue } from '../../src/expressions/evaluate.js';
import { compile, graphOf, pullRequest } from './helpers.js';

const event = pullRequest('opened', { number: 12, head_sha: 'b'.repeat(40) }, { sha: null });

function diagnosticsOf(jobs: string): string {
  const text = `version: 1\non: [pull_request]\njobs:\n${jobs}`;
  const result = compile(text, event);
  if (result.status !== 'invalid') throw new Error(`expected diagnostics, got ${result.status}`);
  return formatDiagnostics(result.diagnostics, text);
}

describe('checkout: the compiler', () => {
  it('refuses checkout on a job that is not uses: exec, at the key', () => {
    const text = diagnosticsOf(
      `  notify:\n    uses: http.request\n    checkout: true\n    with: { url: "https://example.com" }\n  wait:\n    sleep: 1m\n    checkout: { depth: 2 }\n`,
    );
    expect(text).toContain(
      'pipeline.yaml:6:5: "checkout" applies only to a job with "uses: exec" (job "notify") [job-kind]',
    );
    expect(text).toContain(
      'pipeline.yaml:10:5: "checkout" applies only to a job with "uses: exec" (job "wait") [job-kind]',
    );
  });

  it("refuses exec's checkout input written by hand, and a depth that is no count", () => {
    const text = diagnosticsOf(
      `  build:\n    uses: exec\n    with:\n      command: [make]\n      checkout: { forge: github, repo: other/repo, depth: 1 }\n  test:\n    uses: exec\n    checkout: { depth: -1 }\n    with: { command: [make] }\n`,
    );
    expect(text).toMatch(/pipeline\.yaml:8:7: .*checkout.*\[input\]/);
    expect(text).toContain('ask for it with the job key "checkout: true"');
    expect(text).toMatch(/pipeline\.yaml:11:\d+: .*\[schema\]/);
  });

  it("compiles checkout into exec's input, which evaluates to the event's repository and commit", () => {
    const { graph } = graphOf(
      `version: 1\non: [pull_request]\njobs:\n  build:\n    uses: exec\n    checkout: { depth: 0 }\n    with: { command: [make] }\n  lint:\n    uses: exec\n    checkout: true\n    with: { command: [make, lint] }\n  plain:\n    uses: exec\n    checkout: false\n    with: { command: [ls] }\n`,
      event,
    );
    const inputs = Object.fromEntries(
      graph.nodes.map((node) => [
        node.id,
        node.action.kind === 'activity' ? node.action.input : null,
      ]),
    );
    const evaluated = evaluateValue(inputs, { event }, {}) as Record<
      string,
      { checkout?: { depth: number } }
    >;
    expect(evaluated.build).toEqual({
      command: ['make'],
      checkout: {
        forge: 'github',
        repo: 'octo/app',
        sha: 'b'.repeat(40),
        ref: 'refs/heads/main',
        pr: 12,
        depth: 0,
      },
    });
    expect(evaluated.lint?.checkout?.depth).toBe(1);
    expect(evaluated.plain).toEqual({ command: ['ls'] });
  });
});
