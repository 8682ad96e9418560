/**
 * RunControl.runsAt, which a forge's Re-run of a check reads (handlers/plan/rerun.ts): the
 * top-level runs of one repository at one commit on one forge, newest first; narrowed to one
 * run id (a malformed one finds nothing, without a database error) or to the runs with a node
 * reported under a name; one pipeline left out. Both backends; no worker, a FakeClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forge } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { testDb, type TestDb } from '../support/db.js';
import { compileFor, pipeline, testHandlers, testRuntime } from '../support/runtime.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const handlers = testHandlers();
const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
let db: TestDb;
let runtime: Runtime;

beforeAll(async () => {
  db = await testDb();
  runtime = testRuntime(db, { clock });
});
afterAll(() => db.close());

/** Starts a run of pipeline `name` (its job `a` reported as `report`, if given), a second later. */
async function start(
  name: string,
  where: { forge?: Forge; repo?: string; sha: string },
  report?: string,
) {
  clock.advance(1_000);
  const event = manualEvent({ repo: where.repo ?? 'octo/app', sha: where.sha, forge: where.forge });
  const job = report
    ? `  a: { uses: test.script, report: "${report}" }\n`
    : '  a: { uses: test.script }\n';
  const graph = compileFor(pipeline(job, `name: ${name}\n`), handlers, event);
  return (await runtime.start(graph, event)).runId;
}

describe('runsAt', () => {
  it('finds the runs of a repository at a commit on a forge, newest first, narrowed as asked', async () => {
    const older = await start('ci', { sha: A }, 'ci/a');
    const newer = await start('ci', { sha: A }, 'ci/a');
    const unreported = await start('lint', { sha: A });
    const onGitLab = await start('ci', { sha: A, forge: 'gitlab' }, 'ci/a');
    const otherCommit = await start('ci', { sha: B }, 'ci/a');
    await start('ci', { sha: A, repo: 'octo/other' }, 'ci/a');
    const at = (extra: { forge?: Forge; runId?: string; report?: string; except?: string }) =>
      runtime.control
        .runsAt({
          forge: extra.forge ?? 'github',
          repo: 'octo/app',
          sha: A,
          exceptPipeline: extra.except ?? 'forgeflow.plan',
          ...(extra.runId === undefined ? {} : { runId: extra.runId }),
          ...(extra.report === undefined ? {} : { report: extra.report }),
        })
        .then((runs) => runs.map((r) => [r.id, r.pipeline]));

    expect(await at({})).toEqual([
      [unreported, 'lint'],
      [newer, 'ci'],
      [older, 'ci'],
    ]);
    expect(await at({ except: 'lint' })).toEqual([
      [newer, 'ci'],
      [older, 'ci'],
    ]);
    expect(await at({ report: 'ci/a' })).toEqual([
      [newer, 'ci'],
      [older, 'ci'],
    ]);
    expect(await at({ report: 'ci/b' })).toEqual([]);
    expect(await at({ runId: older })).toEqual([[older, 'ci']]);
    expect(await at({ runId: older.toUpperCase() })).toEqual([[older, 'ci']]);
    // Another commit's, another forge's run, or no run id at all: nothing.
    expect(await at({ runId: otherCommit })).toEqual([]);
    expect(await at({ runId: onGitLab })).toEqual([]);
    expect(await at({ runId: "1' OR '1'='1" })).toEqual([]);
    expect(await at({ runId: '' })).toEqual([]);
    expect(await at({ forge: 'gitlab' })).toEqual([[onGitLab, 'ci']]);
  });
});
