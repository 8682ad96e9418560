/**
 * "A retry of a run with nothing failed does nothing": a run that succeeded with a node its own
 * `if:` skipped is left alone by a retry, and nothing downstream of that node (an `always()`
 * notifier, say) runs again.
 */
import { describe, expect, it } from 'vitest';
import type { Handler } from '../../src/handlers/types.js';
import { useRuntime } from '../support/use-runtime.js';
import { scriptHandler, testHandlers } from '../support/runtime.js';

const calls: string[] = [];
const counted: Handler = {
  spec: { ...scriptHandler.spec, name: 'test.count' },
  run(input, context) {
    calls.push(`${context.nodeId}#${context.attempt}`);
    return scriptHandler.run(input as never, context);
  },
};
const handlers = testHandlers();
handlers.set('test.count', counted);

const t = useRuntime({ handlers });

describe('retry of a succeeded run', () => {
  it('does nothing when nothing failed, even if a node was skipped by its own if:', async () => {
    const runId = await t.startRun(`  build: { uses: test.count, with: { echo: built } }
  deploy:
    needs: build
    if: \${{ false }}
    uses: test.count
  notify:
    needs: deploy
    if: \${{ always() }}
    uses: test.count
    with: { echo: "deploy was \${{ needs.deploy.result }}" }
`);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(calls).toEqual(['build#1', 'notify#1']);
    const before = await t.runtime.history(runId);

    const result = await t.runtime.retry(runId);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    // The run succeeded: nothing failed, so nothing should happen.
    expect.soft(result).toEqual({ outcome: 'nothing-to-retry' });
    expect.soft(calls).toEqual(['build#1', 'notify#1']); // notify must not post a second time
    expect((await t.runtime.history(runId)).length).toBe(before.length);
  });
});
