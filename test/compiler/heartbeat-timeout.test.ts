/**
 * A heartbeat_timeout under 3 s compiles, with a warning at its line that says why it is
 * fragile (issue 19 item 3); and the beat interval handlers are told follows the timeout.
 */
import { describe, expect, it } from 'vitest';
import { heartbeatEvery } from '../../src/contracts/heartbeat.js';
import { graphOf, push } from './helpers.js';

const pipelineWith = (jobKeys: string, defaults = '') => `version: 1
on: push
${defaults}jobs:
  build:
    uses: exec
    with: { command: [make] }
${jobKeys}`;

describe('heartbeat_timeout', () => {
  it('under 3s: a warning at its line, and the graph still compiles', () => {
    const result = graphOf(pipelineWith('    heartbeat_timeout: 2s\n'), push('main'));
    expect(result.diagnostics).toMatchObject([{ line: 7, severity: 'warning', rule: 'duration' }]);
    expect(result.diagnostics[0]?.message).toMatch(
      /heartbeat_timeout.*"2s" is shorter than 3s: heartbeats are writes through the database, sent every 1s at the most often/,
    );
    expect(result.graph.nodes.find((n) => n.id === 'build')?.timeouts.heartbeat_ms).toBe(2_000);
  });

  it('in defaults too', () => {
    const result = graphOf(
      pipelineWith('', 'defaults:\n  heartbeat_timeout: 500ms\n'),
      push('main'),
    );
    expect(result.diagnostics).toMatchObject([{ line: 4, severity: 'warning' }]);
  });

  it('3s or more: no warning', () => {
    expect(graphOf(pipelineWith('    heartbeat_timeout: 3s\n'), push('main')).diagnostics).toEqual(
      [],
    );
  });

  it('sets the recommended beat: a third of it, within 1–10 s; 10 s without one', () => {
    expect(heartbeatEvery(null)).toBe(10_000);
    expect(heartbeatEvery(500)).toBe(1_000);
    expect(heartbeatEvery(3_000)).toBe(1_000);
    expect(heartbeatEvery(9_000)).toBe(3_000);
    expect(heartbeatEvery(600_000)).toBe(10_000);
  });
});
