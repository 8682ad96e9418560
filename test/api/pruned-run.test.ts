/**
 * A run retention deleted answers 410 RUN_PRUNED, with how it ended and when it went, on every
 * route of the run (its detail, history, graph, a node's log, cancel, retry, signal); an id
 * that never was a run stays 404 RUN_NOT_FOUND, as does a pruned polling child run. Both
 * backends, the clock injected.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION } from '../../src/contracts/retention.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { runtimePruneSteps } from '../../src/runtime/prune-steps.js';
import { Pruner } from '../../src/runtime/pruner.js';
import { compileFor, pipeline, testHandlers } from '../support/runtime.js';
import { TOKEN, useApi } from './support.js';

const DAY = 86_400_000;
const clock = new FakeClock(Date.parse('2026-05-01T00:00:00Z'));
const handlers = testHandlers();
const api = useApi({ handlers, clock });

describe('a pruned run', () => {
  it('answers 410 RUN_PRUNED on its routes, and an unknown id 404', async () => {
    const event = manualEvent({ repo: 'octo/app' });
    const graph = compileFor(pipeline('  a: { uses: test.script }\n'), handlers, event);
    let id = '';
    const finished = api.runtime.events.next('run:finished', (e) => e.runId === id);
    id = (await api.runtime.start(graph, event)).runId;
    await finished;
    const finishedAt = new Date(clock.now()).toISOString();
    expect((await api.get(`/api/v1/runs/${id}`)).statusCode).toBe(200);

    clock.advance(91 * DAY);
    const pruner = new Pruner({
      db: api.db,
      clock,
      steps: runtimePruneSteps(api.db, DEFAULT_RETENTION),
    });
    expect(await pruner.pruneAll()).toMatchObject({ runs: 1 });
    const prunedAt = new Date(clock.now()).toISOString();

    const gone = {
      type: 'https://forgeflow.dev/errors#RUN_PRUNED',
      status: 410,
      code: 'RUN_PRUNED',
      detail: `run ${id} ended succeeded at ${finishedAt} and was deleted at ${prunedAt}, past the server's retention`,
      run: {
        id,
        pipeline: graph.pipeline,
        repo: 'octo/app',
        trigger: 'manual',
        status: 'succeeded',
        finished_at: finishedAt,
        pruned_at: prunedAt,
      },
    };
    for (const path of ['', '/history', '/graph', '/nodes/a/logs']) {
      const res = await api.get(`/api/v1/runs/${id}${path}`);
      expect(res.statusCode, path).toBe(410);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json(), path).toMatchObject(gone);
    }
    for (const path of ['/cancel', '/retry', '/signals/go']) {
      const res = await api.post(`/api/v1/runs/${id}${path}`, {}, TOKEN);
      expect(res.statusCode, path).toBe(410);
      expect(res.json(), path).toMatchObject({ code: 'RUN_PRUNED', run: { id } });
    }

    const never = randomUUID();
    const missing = await api.get(`/api/v1/runs/${never}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'RUN_NOT_FOUND', detail: `no run ${never}` });
    expect((await api.get(`/api/v1/runs/${never}/history`)).statusCode).toBe(404);
  });
});
