/**
 * Matrix controls (GitHub Actions' meanings): fail_fast cancels a job's queued and running nodes
 * when one fails for good (running ones see their AbortSignal), max_parallel holds back a job's
 * nodes past N at once across workers, continue_on_error keeps a failure from failing the run or
 * skipping dependents while the node itself shows failed. Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { HandlerError } from '../../src/contracts/errors.js';
import type { Handler, HandlerContext } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { runDetail } from '../../src/runtime/run-views.js';
import { testHandlers, workerOptions } from '../support/runtime.js';
import { useRuntime } from '../support/use-runtime.js';

/** `test.gate`: each call waits until the test ends it (`pass`, `fail`), or it is aborted. */
class Gate {
  private readonly open = new Map<
    string,
    { context: HandlerContext; pass: () => void; fail: (e: Error) => void }
  >();
  private readonly arrivals: (() => void)[] = [];
  /** Each aborted call's `runId nodeId` and its AbortSignal's reason. */
  readonly aborted = new Map<string, unknown>();

  readonly handler: Handler = {
    spec: { name: 'test.gate', description: 'Waits for the test (tests only).', input: {} },
    run: (_input, context) =>
      new Promise((resolve, reject) => {
        context.signal.addEventListener(
          'abort',
          () => {
            this.aborted.set(`${context.runId} ${context.nodeId}`, context.signal.reason);
            this.open.delete(context.nodeId);
            reject(new HandlerError('Aborted', 'aborted'));
          },
          { once: true },
        );
        this.open.set(context.nodeId, { context, pass: () => resolve('passed'), fail: reject });
        for (const arrive of this.arrivals.splice(0)) arrive();
      }),
  };

  async arrived(nodeId: string, attempt = 1): Promise<void> {
    while (this.open.get(nodeId)?.context.attempt !== attempt)
      await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  isOpen(nodeId: string): boolean {
    return this.open.has(nodeId);
  }

  pass(nodeId: string): void {
    this.open.get(nodeId)!.pass();
    this.open.delete(nodeId);
  }

  fail(nodeId: string, retryable = false): void {
    const error = HandlerError.custom('Broken', `${nodeId} broke`, { nonRetryable: !retryable });
    this.open.get(nodeId)!.fail(error);
    this.open.delete(nodeId);
  }
}

const clock = new FakeClock();
const gate = new Gate();
const handlers = testHandlers().set('test.gate', gate.handler);
const t = useRuntime({ clock, handlers, worker: { concurrency: 8 } });

async function historyOf(runId: string) {
  return t.runtime.history(runId);
}

async function statusesOf(runId: string): Promise<Record<string, string>> {
  const nodes = await t.nodesOf(runId);
  return Object.fromEntries(Object.entries(nodes).map(([id, n]) => [id, n.status]));
}

/** The most nodes of `job` between NodeStarted and their end at once, in history order. */
async function mostAtOnce(runId: string, job: string): Promise<number> {
  let now = 0;
  let most = 0;
  for (const e of await historyOf(runId)) {
    if (!e.node_id?.startsWith(`${job}[`)) continue;
    if (e.type === 'NodeStarted') most = Math.max(most, ++now);
    if (['NodeCompleted', 'NodeFailed', 'NodeCanceled', 'NodeRetryScheduled'].includes(e.type))
      now--;
  }
  return most;
}

describe('fail_fast', () => {
  it('cancels the running and the queued nodes of the job, naming the node that failed', async () => {
    const runId = await t.startRun(`  build:
    matrix: { t: [a, b, c] }
    max_parallel: 2
    retry: { maximum_attempts: 1 }
    uses: test.gate
  test:
    needs: build
    matrix: { t: [a, b, c] }
    uses: test.script
  report:
    needs: build
    if: \${{ always() }}
    uses: test.script
    with: { echo: "\${{ needs.build.result }}" }
`);
    await Promise.all([gate.arrived('build[a]'), gate.arrived('build[b]')]);
    gate.fail('build[a]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');

    expect(await statusesOf(runId)).toEqual({
      'build[a]': 'failed',
      'build[b]': 'canceled',
      'build[c]': 'canceled',
      'test[a]': 'skipped',
      'test[b]': 'skipped',
      'test[c]': 'skipped',
      report: 'succeeded',
    });
    // The running one was aborted through its AbortSignal, with the reason.
    expect(gate.aborted.get(`${runId} build[b]`)).toEqual({
      kind: 'canceled',
      reason: expect.stringContaining('build[a] failed') as unknown,
    });
    const history = await historyOf(runId);
    const canceled = history.filter((e) => e.type === 'NodeCanceled');
    expect(canceled.map((e) => e.node_id).sort()).toEqual(['build[b]', 'build[c]']);
    for (const e of canceled) expect(e.data.reason).toMatch(/build\[a\] failed .*fail_fast/);
    // The queued one never started.
    expect(history.some((e) => e.type === 'NodeStarted' && e.node_id === 'build[c]')).toBe(false);
    const nodes = await t.nodesOf(runId);
    expect(nodes['build[b]']?.attempts.map((a) => a.status)).toEqual(['canceled']);
    expect(nodes.report?.output).toBe('failure');
  });

  it('lets the other nodes finish with fail_fast: false', async () => {
    const runId = await t.startRun(`  build:
    matrix: { t: [a, b] }
    fail_fast: false
    retry: { maximum_attempts: 1 }
    uses: test.gate
  test:
    needs: build
    matrix: { t: [a, b] }
    uses: test.script
`);
    await Promise.all([gate.arrived('build[a]'), gate.arrived('build[b]')]);
    const failed = t.runtime.events.next('node:failed', (e) => e.runId === runId);
    gate.fail('build[a]');
    await failed;
    expect(gate.isOpen('build[b]')).toBe(true);
    gate.pass('build[b]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    expect(await statusesOf(runId)).toEqual({
      'build[a]': 'failed',
      'build[b]': 'succeeded',
      'test[a]': 'skipped',
      'test[b]': 'succeeded',
    });
    expect(gate.aborted.has(`${runId} build[b]`)).toBe(false);
  });

  it('cancels only once the failing node has no attempt left', async () => {
    const runId = await t.startRun(`  build:
    matrix: { t: [a, b] }
    retry: { maximum_attempts: 2, initial_interval: 1m }
    uses: test.gate
`);
    await Promise.all([gate.arrived('build[a]'), gate.arrived('build[b]')]);
    const retrying = t.runtime.events.next('node:retrying', (e) => e.runId === runId);
    gate.fail('build[a]', true);
    await retrying;
    expect(gate.isOpen('build[b]')).toBe(true);
    expect((await statusesOf(runId))['build[b]']).toBe('running');
    clock.advance(60_000);
    await gate.arrived('build[a]', 2);
    gate.fail('build[a]', true);
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('failed');
    expect(await statusesOf(runId)).toEqual({ 'build[a]': 'failed', 'build[b]': 'canceled' });
    expect(gate.aborted.has(`${runId} build[b]`)).toBe(true);
  });
});

describe('max_parallel', () => {
  it('runs at most N nodes of the job at once, the rest waiting in matrix order', async () => {
    const runId = await t.startRun(`  build:
    matrix: { t: [a, b, c, d] }
    max_parallel: 2
    uses: test.gate
`);
    await Promise.all([gate.arrived('build[a]'), gate.arrived('build[b]')]);
    expect(await statusesOf(runId)).toMatchObject({ 'build[c]': 'pending', 'build[d]': 'pending' });
    gate.pass('build[b]');
    await gate.arrived('build[c]');
    expect((await statusesOf(runId))['build[d]']).toBe('pending');
    gate.pass('build[a]');
    await gate.arrived('build[d]');
    gate.pass('build[c]');
    gate.pass('build[d]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const starts = (await historyOf(runId)).filter((e) => e.type === 'NodeStarted');
    expect(starts.map((e) => e.node_id)).toEqual(['build[a]', 'build[b]', 'build[c]', 'build[d]']);
    expect(await mostAtOnce(runId, 'build')).toBe(2);
  });

  it('holds across several workers', async () => {
    for (let i = 0; i < 2; i++)
      await t.runtime
        .createWorker(workerOptions(handlers, { pollMs: 86_400_000, concurrency: 4 }))
        .start();
    const runs: [string, number][] = [];
    for (const max of [1, 2, 1, 2])
      runs.push([
        await t.startRun(`  build:
    matrix: { t: [a, b, c, d, e, f] }
    max_parallel: ${max}
    uses: test.script
    with: { echo: "\${{ matrix.t }}" }
  after:
    needs: build
    uses: test.script
`),
        max,
      ]);
    for (const [runId, max] of runs) {
      expect(await t.runtime.waitForRun(runId, 30_000)).toBe('succeeded');
      expect(await mostAtOnce(runId, 'build')).toBeLessThanOrEqual(max);
      const starts = (await historyOf(runId)).filter((e) => e.type === 'NodeStarted');
      if (max === 1)
        expect(starts.map((e) => e.node_id).slice(0, 6)).toEqual(
          ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `build[${x}]`),
        );
    }
  });
});

describe('continue_on_error', () => {
  it('keeps a failure from failing the run or skipping dependents; the node shows it failed', async () => {
    const runId = await t.startRun(`  exp:
    matrix: { t: [a, b] }
    continue_on_error: \${{ matrix.t == 'a' }}
    retry: { maximum_attempts: 1 }
    uses: test.gate
  lint:
    continue_on_error: true
    uses: test.script
    with: { steps: [{ fail: { type: Lint, non_retryable: true } }] }
  after:
    needs: [exp, lint]
    uses: test.script
    with: { echo: "\${{ needs.exp.result }} \${{ needs.lint.result }}" }
  aligned:
    needs: exp
    matrix: { t: [a, b] }
    uses: test.script
`);
    await Promise.all([gate.arrived('exp[a]'), gate.arrived('exp[b]')]);
    const failed = t.runtime.events.next(
      'node:failed',
      (e) => e.runId === runId && e.nodeId === 'exp[a]',
    );
    gate.fail('exp[a]');
    await failed;
    // Continuing on error, it does not fail its job fast.
    expect(gate.isOpen('exp[b]')).toBe(true);
    gate.pass('exp[b]');
    expect(await t.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    expect(await statusesOf(runId)).toEqual({
      'exp[a]': 'failed',
      'exp[b]': 'succeeded',
      lint: 'failed',
      after: 'succeeded',
      'aligned[a]': 'succeeded',
      'aligned[b]': 'succeeded',
    });
    expect((await t.nodesOf(runId)).after?.output).toBe('success success');
    const detail = await runDetail(t.db, runId);
    const view = Object.fromEntries(detail!.node_list.map((n) => [n.id, n]));
    expect(view['exp[a]']).toMatchObject({
      status: 'failed',
      result: 'success',
      continue_on_error: true,
    });
    expect(view['exp[b]']).toMatchObject({
      status: 'succeeded',
      result: 'success',
      continue_on_error: false,
    });
    expect(view.lint).toMatchObject({
      status: 'failed',
      result: 'success',
      continue_on_error: true,
    });
    expect(view['aligned[a]']).toMatchObject({ status: 'succeeded', result: 'success' });
  });
});
