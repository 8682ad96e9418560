/**
 * The timeline's spans (issue 13 §6: a polled node was drawn as a 1-pixel tick): folded from
 * history events as the API returns them — recorded from a real run whose node failed once,
 * was retried after a backoff, then polled in a child run three times — each node's span
 * covers its whole life, its attempts and its waits each a part of it.
 */
import { describe, expect, it } from 'vitest';

// The page is plain JavaScript outside the tests' TypeScript project: imported by a name.
const PAGE_MODULE = '../page/node-spans.js';

interface Part {
  type: 'attempt' | 'wait';
  attempt?: number;
  status?: string;
  wait?: string;
  child?: string | null;
  error?: { type: string } | null;
  start: number;
  end: number | null;
}
interface Span {
  start: number;
  end: number | null;
  parts: Part[];
}
interface Child {
  node_id: string;
  created_at: string;
  polls: number;
}
const { nodeSpans, pollsOf, spanFromNode } = (await import(PAGE_MODULE)) as {
  nodeSpans: (events: unknown[]) => Map<string, Span>;
  pollsOf: (node: unknown, span: Span, children: Child[]) => number;
  spanFromNode: (node: unknown) => Span | undefined;
};

const CHILD = 'f0ee5c87-8e87-43bc-99d4-7cd705ac4497';
const T = (s: string) => `2026-12-06T19:12:${s}Z`;
const ms = (s: string) => Date.parse(T(s));

let seq = 0;
const event = (
  type: string,
  node_id: string | null,
  attempt: number | null,
  at: string,
  data: Record<string, unknown> = {},
) => ({ seq: ++seq, type, node_id, attempt, at: T(at), data });

/** The parent run's history: `build` fails once, is retried, then polls in a child run. */
const PARENT = [
  event('RunStarted', null, null, '52.040', { nodes: ['build', 'after'], attempt: 1 }),
  event('NodeScheduled', 'build', 1, '52.040', { due_at: T('52.040') }),
  event('NodeStarted', 'build', 1, '52.323', { worker: 'vm:1' }),
  event('NodeRetryScheduled', 'build', 1, '52.638', {
    error: { type: 'Flaky', message: 'Flaky on attempt 1', non_retryable: false },
    due_at: T('52.838'),
    counted: true,
    outcome: 'failed',
    next_attempt: 2,
  }),
  event('NodeStarted', 'build', 2, '52.897', { worker: 'vm:1' }),
  event('ChildRunStarted', 'build', 2, '52.985', {
    child_run_id: CHILD,
    first_output: { id: 7 },
  }),
  event('ChildRunCompleted', 'build', null, '54.150', {
    runs: 1,
    status: 'succeeded',
    child_run_id: CHILD,
  }),
  event('NodeCompleted', 'build', null, '54.150', { output: { state: 'done' } }),
  event('NodeScheduled', 'after', 1, '54.150', { due_at: T('54.150') }),
  event('NodeStarted', 'after', 1, '54.234', { worker: 'vm:1' }),
  event('NodeCompleted', 'after', 1, '54.266', { output: 1 }),
  event('RunCompleted', null, null, '54.266'),
];

/** The child run's history: three poll calls, the third one done. */
const POLLED = (n: number, at: string, due: string) =>
  event('NodePolled', 'poll', n, at, {
    polls: n,
    due_at: T(due),
    output: { state: 'running' },
    next_attempt: n + 1,
  });
const CHILD_HISTORY = [
  event('RunStarted', null, null, '52.985', { nodes: ['poll'], attempt: 1 }),
  event('NodeScheduled', 'poll', 1, '52.985', { due_at: T('53.135') }),
  event('NodeStarted', 'poll', 1, '53.138', { worker: 'vm:1' }),
  POLLED(1, '53.324', '53.474'),
  event('NodeStarted', 'poll', 2, '53.475', { worker: 'vm:1' }),
  POLLED(2, '53.698', '53.848'),
  event('NodeStarted', 'poll', 3, '53.915', { worker: 'vm:1' }),
  event('NodeCompleted', 'poll', 3, '54.014', { output: { state: 'done' } }),
  event('RunCompleted', null, null, '54.014'),
];

/** Parts as [type, attempt or wait, status, start, end], readable in a failure. */
const shape = (span: Span | undefined) =>
  span?.parts.map((p) => [
    p.type === 'attempt' ? p.attempt : p.wait,
    p.status ?? '',
    p.start,
    p.end,
  ]);

const buildNode = { id: 'build', kind: 'activity', polls: true };
const pollNode = { id: 'poll', kind: 'poll', polls: false };

describe('a node that polls in a child run', () => {
  const span = nodeSpans(PARENT).get('build');

  it('spans its whole life: both attempts, the backoff between them and the polling after', () => {
    expect(span).toMatchObject({ start: ms('52.323'), end: ms('54.150') });
    expect(shape(span)).toEqual([
      [1, 'failed', ms('52.323'), ms('52.638')],
      ['backoff', '', ms('52.638'), ms('52.897')],
      [2, 'succeeded', ms('52.897'), ms('52.985')],
      ['child', '', ms('52.985'), ms('54.150')],
    ]);
    expect(span?.parts[0]?.error).toMatchObject({ type: 'Flaky' });
    expect(span?.parts[3]?.child).toBe(CHILD);
  });

  it('counts the polls of the child runs made while it waited, not those of other nodes or waits', () => {
    const children = [
      { node_id: 'build', created_at: T('52.985'), polls: 3 },
      // A rollover (continue-as-new) during the same wait adds its polls.
      { node_id: 'build', created_at: T('53.500'), polls: 2 },
      { node_id: 'build', created_at: T('51.000'), polls: 50 },
      { node_id: 'other', created_at: T('53.000'), polls: 7 },
    ];
    expect(pollsOf(buildNode, span!, children)).toBe(5);
  });

  it('still polling: the span and its child wait are open', () => {
    const running = nodeSpans(PARENT.slice(0, 6)).get('build');
    expect(running?.end).toBeNull();
    expect(shape(running)?.at(-1)).toEqual(['child', '', ms('52.985'), null]);
    const children = [{ node_id: 'build', created_at: T('52.985'), polls: 1 }];
    expect(pollsOf(buildNode, running!, children)).toBe(1);
  });
});

describe('the poll node of a child run', () => {
  const span = nodeSpans(CHILD_HISTORY).get('poll');

  it('spans every call and the wait before each next one', () => {
    expect(span).toMatchObject({ start: ms('53.138'), end: ms('54.014') });
    expect(shape(span)).toEqual([
      [1, 'succeeded', ms('53.138'), ms('53.324')],
      ['poll', '', ms('53.324'), ms('53.475')],
      [2, 'succeeded', ms('53.475'), ms('53.698')],
      ['poll', '', ms('53.698'), ms('53.915')],
      [3, 'succeeded', ms('53.915'), ms('54.014')],
    ]);
  });

  it('polled three times: every answered call', () => {
    expect(pollsOf(pollNode, span!, [])).toBe(3);
  });
});

describe('other lives', () => {
  it('a sleep spans from its start to its end, as one wait', () => {
    const span = nodeSpans([
      event('TimerStarted', 'soak', null, '10.000', { fire_at: T('20.000') }),
      event('TimerFired', 'soak', null, '20.010'),
      event('NodeCompleted', 'soak', null, '20.010', { output: null }),
    ]).get('soak');
    expect(shape(span)).toEqual([['timer', '', ms('10.000'), ms('20.010')]]);
  });

  it('a node the run retried shows its end, the time until the retry, and its new attempt', () => {
    const span = nodeSpans([
      event('NodeStarted', 'tests', 1, '10.000'),
      event('NodeFailed', 'tests', 1, '11.000', { error: { type: 'TestsFailed' } }),
      event('RunRetried', null, null, '30.000', { attempt: 2, nodes: ['tests'] }),
      event('NodeScheduled', 'tests', 2, '30.000', { due_at: T('30.000') }),
      event('NodeStarted', 'tests', 2, '30.100'),
      event('NodeCompleted', 'tests', 2, '31.000', { output: null }),
    ]).get('tests');
    expect(span).toMatchObject({ start: ms('10.000'), end: ms('31.000') });
    expect(shape(span)).toEqual([
      [1, 'failed', ms('10.000'), ms('11.000')],
      ['rerun', '', ms('11.000'), ms('30.100')],
      [2, 'succeeded', ms('30.100'), ms('31.000')],
    ]);
  });

  it('a node that ends while its attempt runs ends that attempt as it ends', () => {
    const span = nodeSpans([
      event('NodeStarted', 'slow', 1, '10.000'),
      event('NodeTimedOut', 'slow', null, '12.000', { error: { type: 'Timeout' } }),
    ]).get('slow');
    expect(shape(span)).toEqual([[1, 'timed_out', ms('10.000'), ms('12.000')]]);
  });

  it('a node that never started has no span', () => {
    const spans = nodeSpans([
      event('NodeSkipped', 'publish', null, '10.000', { reason: 'needs failed' }),
    ]);
    expect(spans.has('publish')).toBe(false);
  });
});

describe('a node whose events the page has not loaded', () => {
  it('is drawn from its row: its attempts, then its wait for the polling child run', () => {
    const span = spanFromNode({
      ...buildNode,
      scheduled_at: T('52.040'),
      finished_at: null,
      attempts: [
        {
          attempt: 1,
          status: 'failed',
          started_at: T('52.323'),
          finished_at: T('52.638'),
          error: null,
        },
        {
          attempt: 2,
          status: 'succeeded',
          started_at: T('52.897'),
          finished_at: T('52.985'),
          error: null,
        },
      ],
    });
    expect(span).toMatchObject({ start: ms('52.323'), end: null });
    expect(shape(span)).toEqual([
      [1, 'failed', ms('52.323'), ms('52.638')],
      ['backoff', '', ms('52.638'), ms('52.897')],
      [2, 'succeeded', ms('52.897'), ms('52.985')],
      ['child', '', ms('52.985'), null],
    ]);
  });
});
