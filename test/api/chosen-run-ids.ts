/**
 * An API on a real database whose runtime gives runs the ids a test chooses (then random ones),
 * so that some share a start: what the id-prefix lookup is tested with, through the API and
 * through the CLI. `runWithId` runs a pipeline to its end under a chosen id.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { expect } from 'vitest';
import { PollCounter, testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

export function useChosenRunIds(names: {
  pipeline: string;
  repo: string;
  logger?: FastifyBaseLogger;
}) {
  /** The ids the next runs get, in order. */
  const nextIds: string[] = [];
  const api = useApi({
    handlers: testHandlers(undefined, new PollCounter()),
    newRunId: () => nextIds.shift() ?? randomUUID(),
    ...(names.logger ? { logger: names.logger } : {}),
  });

  const simple = `version: 1
name: ${names.pipeline}
on: [manual]
jobs:
  build:
    uses: test.script
`;

  /** A node with `poll:`: its run has a child run, which takes the next id after the parent's. */
  const polling = `version: 1
name: ${names.pipeline}-poll
on: [manual]
jobs:
  build:
    uses: test.script
    poll:
      uses: test.poll
      with: { key: "${names.pipeline}-poll", done_after: 1 }
      every: 50ms
      until: "\${{ output.state == 'done' }}"
`;

  /** Runs `pipeline` to its end as run `id` (its child runs taking `children`); its created_at. */
  async function runWithId(id: string, pipeline = simple, children: string[] = []) {
    nextIds.push(id, ...children);
    const response = await api.post('/api/v1/runs', { pipeline, repo: names.repo });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<{ run_id: string }>().run_id).toBe(id);
    expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');
    expect(nextIds).toEqual([]);
    return (await api.get(`/api/v1/runs/${id}`)).json<{ created_at: string }>().created_at;
  }

  return { api, runWithId, SIMPLE: simple, POLLING: polling };
}
