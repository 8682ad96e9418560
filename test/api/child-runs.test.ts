/**
 * A run's polling child runs through the API: the parent lists each child with the node it
 * polls for and how many poll calls answered in it, and the child names its parent back.
 */
import { expect, it } from 'vitest';
import { PollCounter, testHandlers } from '../support/runtime.js';
import { useApi } from './support.js';

const counter = new PollCounter();
const api = useApi({ handlers: testHandlers(undefined, counter) });

const PIPELINE = `version: 1
name: child-view
on: [manual]
jobs:
  build:
    uses: test.script
    with: { echo: { id: 7 } }
    poll:
      uses: test.poll
      with: { key: "child-view", done_after: 3 }
      every: 50ms
      until: "\${{ output.state == 'done' }}"
`;

interface Detail {
  status: string;
  parent: { run_id: string; node_id: string } | null;
  children: { id: string; node_id: string; status: string; polls: number }[];
  node_list: { id: string; children: string[] }[];
}

it('lists a child run with its poll count, and the child links back to its parent', async () => {
  const started = await api.post('/api/v1/runs', { pipeline: PIPELINE, repo: 'octo/app' });
  expect(started.statusCode, started.body).toBe(201);
  const id = started.json<{ run_id: string }>().run_id;
  expect(await api.runtime.waitForRun(id, 15_000)).toBe('succeeded');

  const parent = (await api.get(`/api/v1/runs/${id}`)).json<Detail>();
  expect(parent.children).toHaveLength(1);
  const child = parent.children[0]!;
  expect(child).toMatchObject({ node_id: 'build', status: 'succeeded', polls: 3 });
  expect(counter.polls.get('child-view')).toBe(3);
  expect(parent.node_list.find((n) => n.id === 'build')?.children).toEqual([child.id]);

  const detail = (await api.get(`/api/v1/runs/${child.id}`)).json<Detail>();
  expect(detail.parent).toEqual({ run_id: id, node_id: 'build' });
  expect(detail.children).toEqual([]);
});
