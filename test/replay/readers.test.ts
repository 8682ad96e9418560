/**
 * Replay fixtures, the history side: what reads a history today still reads every stored one
 * (the API's answer, the page's timeline and one-line summaries, the CLI's `runs history`),
 * every stored event type is one the runtime knows, and every type the runtime can write is in
 * some stored history, so a new event type comes with a replay case.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { HistorySchema } from '../../src/api/schemas.js';
import { formatHistory, summarize } from '../../src/cli/run-text.js';
import type { HistoryType } from '../../src/runtime/history.js';
import { REPLAY_CASES } from './cases/index.js';
import { readStoredCase } from './fixture-files.js';
import { asApiEvents } from './normalize.js';
import { REPLAY_EPOCH } from './play.js';

// The page is plain JavaScript outside the tests' TypeScript project: imported by a name.
const HISTORY_MODULE = '../../page/history.js';
const SPANS_MODULE = '../../page/node-spans.js';
const { summary } = (await import(HISTORY_MODULE)) as { summary: (event: unknown) => unknown };
const { nodeSpans } = (await import(SPANS_MODULE)) as {
  nodeSpans: (
    events: unknown[],
  ) => Map<string, { end: number | null; parts: { end: number | null }[] }>;
};

/**
 * Every type src/runtime/history.ts declares: the type checker refuses this object when one is
 * missing or one is not a type there.
 */
const EVENT_TYPES = Object.keys({
  RunStarted: true,
  RunQueued: true,
  RunDequeued: true,
  RunRetried: true,
  CancelRequested: true,
  SignalReceived: true,
  NodeScheduled: true,
  NodeStarted: true,
  NodeCompleted: true,
  NodeCanceled: true,
  NodePolled: true,
  ChildRunStarted: true,
  ChildRunCompleted: true,
  RunContinuedAsNew: true,
  NodeFailed: true,
  NodeTimedOut: true,
  NodeRetryScheduled: true,
  NodeSkipped: true,
  TimerStarted: true,
  NodeWaiting: true,
  TimerFired: true,
  LateCompletionFenced: true,
  RunCompleted: true,
  RunFailed: true,
  RunTimedOut: true,
  RunCanceled: true,
} satisfies Record<HistoryType, true>);

const stored = REPLAY_CASES.flatMap((replayCase) =>
  readStoredCase(replayCase).runs.map((run) => ({
    name: `${replayCase.name} ${run.run}`,
    events: asApiEvents(run.events, REPLAY_EPOCH),
  })),
);

/** The text of a vnode tree, as the browser would show it. */
function textOf(node: unknown): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return textOf((node as { props?: { children?: unknown } }).props?.children);
}

describe('the stored histories', () => {
  it('hold only event types the runtime declares', () => {
    const unknown = stored.flatMap((run) =>
      run.events.filter((e) => !EVENT_TYPES.includes(e.type)).map((e) => `${run.name} ${e.type}`),
    );
    expect(unknown).toEqual([]);
  });

  it('hold every event type the runtime declares', () => {
    const seen = new Set(stored.flatMap((run) => run.events.map((e) => e.type)));
    expect(EVENT_TYPES.filter((type) => !seen.has(type))).toEqual([]);
  });
});

describe.each(stored)('the stored history of $name', ({ events }) => {
  it('is what the API answers, unchanged by its response schema', async () => {
    const app = Fastify();
    app.get('/history', { schema: { response: { 200: HistorySchema } } }, () => ({
      events,
      next_after: null,
    }));
    try {
      const response = await app.inject({ method: 'GET', url: '/history' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ events, next_after: null });
    } finally {
      await app.close();
    }
  });

  it("reads on the page: a summary for each event, every started node's span closed", () => {
    for (const event of events)
      expect(textOf(summary(event)), `${event.seq} ${event.type}`).not.toMatch(/undefined|NaN/);
    // A run that continued as new leaves its poll to its successor: its node stays open.
    if (events.at(-1)?.type === 'RunContinuedAsNew') return;
    for (const [node, span] of nodeSpans(events)) {
      expect(span.end, node).not.toBeNull();
      expect(
        span.parts.filter((part) => part.end === null),
        node,
      ).toEqual([]);
    }
  });

  it('reads in the CLI: one row per event', () => {
    const io = { out: () => undefined, err: () => undefined, color: false, readFile: () => '' };
    const rows = formatHistory(io, 'replay', events).trimEnd().split('\n').slice(2);
    expect(rows).toHaveLength(events.length);
    for (const [i, event] of events.entries()) {
      expect(rows[i]).toContain(event.type);
      expect(summarize(event)).not.toMatch(/undefined|NaN/);
    }
  });
});
