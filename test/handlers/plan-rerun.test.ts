/**
 * The plan step's answer to a forge's Re-run (handlers/plan/rerun.ts), on a RunControl that
 * holds a commit's runs in memory (the runtime's own lookup has its test in
 * test/runtime/runs-at.test.ts, the whole path in test/e2e/rerun.test.ts): which runs are
 * retried, what the delivery's reason says, and which Re-runs are not forgeflow's at all.
 */
import { describe, expect, it } from 'vitest';
import type { RunAt, RunControl } from '../../src/contracts/run-control.js';
import type { Event, RerunRequest } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { foreignRerun, rerunFromForge } from '../../src/handlers/plan/rerun.js';

const SHA = 'c'.repeat(40);
const RUN_1 = '11111111-1111-4111-8111-111111111111';
const RUN_2 = '22222222-2222-4222-8222-222222222222';
const RUN_3 = '33333333-3333-4333-8333-333333333333';

function rerunEvent(rerun: Partial<RerunRequest>): Event {
  return {
    ...manualEvent({ repo: 'octo/app', sha: SHA, sender: 'octocat' }),
    kind: 'rerun',
    action: 'rerequested',
    rerun: { of: 'check_run', id: 7, name: 'ci/build', external_id: null, app_id: 42, ...rerun },
  };
}

/** Runs newest first, each with the report names of its nodes and what a retry answers. */
function control(runs: (RunAt & { reports: string[]; answer: string })[]) {
  const retried: string[] = [];
  const queries: Parameters<RunControl['runsAt']>[0][] = [];
  const unused = () => Promise.reject(new Error('not used by a Re-run'));
  const runControl: RunControl = {
    start: unused,
    latestRunOf: unused,
    previousNodes: unused,
    cancel: unused,
    signal: unused,
    runsAt: (where) => {
      queries.push(where);
      return Promise.resolve(
        runs
          .filter((r) => where.runId === undefined || r.id === where.runId)
          .filter((r) => where.report === undefined || r.reports.includes(where.report))
          .map(({ id, pipeline }) => ({ id, pipeline })),
      );
    },
    retry: (runId) => {
      retried.push(runId);
      const run = runs.find((r) => r.id === runId);
      return Promise.resolve(run ? { outcome: run.answer } : undefined);
    },
  };
  return { runControl, retried, queries };
}

const commit = [
  { id: RUN_3, pipeline: 'lint', reports: ['ci/lint'], answer: 'nothing-to-retry' },
  { id: RUN_2, pipeline: 'ci', reports: ['ci/build'], answer: 'retried' },
  { id: RUN_1, pipeline: 'ci', reports: ['ci/build'], answer: 'retried' },
];

describe('a Re-run of a check run', () => {
  it('retries the run its external_id names, and only that one', async () => {
    const { runControl, retried, queries } = control(commit);
    const result = await rerunFromForge(runControl, rerunEvent({ external_id: RUN_1 }));
    expect(retried).toEqual([RUN_1]);
    expect(queries).toEqual([
      {
        forge: 'github',
        repo: 'octo/app',
        sha: SHA,
        exceptPipeline: 'forgeflow.plan',
        runId: RUN_1,
      },
    ]);
    expect(result).toEqual({
      outcome: 'command',
      reason: `retry of run ${RUN_1} by octocat (Re-run on check run 7 "ci/build"): retried`,
      runIds: [RUN_1],
    });
  });

  it('without external_id, retries the newest run reporting under its name', async () => {
    const { runControl, retried } = control(commit);
    await rerunFromForge(runControl, rerunEvent({}));
    expect(retried).toEqual([RUN_2]);
  });

  it('says when no run matches, and retries nothing', async () => {
    const { runControl, retried } = control(commit);
    expect(await rerunFromForge(runControl, rerunEvent({ external_id: 'x'.repeat(500) }))).toEqual({
      outcome: 'command',
      reason: `Re-run on check run 7 "ci/build" by octocat: its external_id "${'x'.repeat(79)}…" names no forgeflow run of octo/app at ${SHA}`,
    });
    expect((await rerunFromForge(runControl, rerunEvent({ name: 'deploy' }))).reason).toBe(
      `Re-run on check run 7 "deploy" by octocat: no forgeflow run of octo/app at ${SHA} reports "deploy"`,
    );
    expect(retried).toEqual([]);
  });
});

describe('a Re-run of a check suite', () => {
  it('retries the newest run of each pipeline at the commit, saying what each did', async () => {
    const { runControl, retried } = control(commit);
    const result = await rerunFromForge(
      runControl,
      rerunEvent({ of: 'check_suite', id: 5, name: null }),
    );
    expect(retried).toEqual([RUN_3, RUN_2]);
    expect(result).toEqual({
      outcome: 'command',
      reason: `retry by octocat (Re-run of check suite 5): run ${RUN_3}: nothing-to-retry; run ${RUN_2}: retried`,
      runIds: [RUN_3, RUN_2],
    });
  });
});

describe('foreignRerun', () => {
  it('lets through only the checks of the App forgeflow posts as', () => {
    expect(foreignRerun(rerunEvent({ app_id: 42 }), '42')).toBeNull();
    expect(foreignRerun(rerunEvent({ app_id: 43 }), '42')).toBe(
      `Re-run on check run 7 "ci/build": made by App 43, not by forgeflow's App 42`,
    );
    expect(foreignRerun(rerunEvent({ app_id: null }), '42')).toMatch(/made by App \(none\)/);
    // With a token forgeflow posts commit statuses, which have no Re-run: nothing is its own.
    expect(foreignRerun(rerunEvent({ app_id: 42 }), undefined)).toBe(
      'Re-run on check run 7 "ci/build": forgeflow posts no check runs on github (no App configured: commit statuses, which have no Re-run)',
    );
  });
});
