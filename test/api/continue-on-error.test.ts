/**
 * A node that failed with continue_on_error, through the API: its `status` is the outcome
 * (failed), its `result` the conclusion its dependents read (success); only a sibling without
 * it fails the run.
 */
import { expect, it } from 'vitest';
import { testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

const api = useApi({ handlers: testHandlers() });

it('shows the outcome as status and the conclusion as result', async () => {
  const started = await api.post('/api/v1/runs', {
    repo: 'octo/app',
    pipeline: `version: 1
on: [manual]
jobs:
  flaky:
    matrix: { t: [a, b] }
    continue_on_error: \${{ matrix.t == 'a' }}
    retry: { maximum_attempts: 1 }
    uses: test.script
    with: { steps: [{ fail: { type: Flaky, non_retryable: true } }] }
  after:
    needs: flaky
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.flaky.result }}" }
`,
  });
  expect(started.statusCode, started.body).toBe(201);
  const id = started.json<{ run_id: string }>().run_id;
  expect(await api.runtime.waitForRun(id, 15_000)).toBe('failed');
  const run = api.get(`/api/v1/runs/${id}`);
  const nodes = (await run).json<{
    node_list: {
      id: string;
      status: string;
      result: string | null;
      continue_on_error: boolean;
      output: unknown;
    }[];
  }>().node_list;
  expect(
    nodes.map(({ id, status, result, continue_on_error }) => ({
      id,
      status,
      result,
      continue_on_error,
    })),
  ).toEqual([
    { id: 'flaky[a]', status: 'failed', result: 'success', continue_on_error: true },
    // Without continue_on_error it fails the run; its sibling already ended, nothing to cancel.
    { id: 'flaky[b]', status: 'failed', result: 'failure', continue_on_error: false },
    { id: 'after', status: 'succeeded', result: 'success', continue_on_error: false },
  ]);
  expect(nodes.find((n) => n.id === 'after')?.output).toBe('failure');
});
