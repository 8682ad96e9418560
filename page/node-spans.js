/**
 * A node's life for the timeline, folded from its history events: from its first attempt's
 * start (or the start of its wait, for a timer or a signal) to its end, every attempt and every
 * wait between them — a retry's backoff, the interval before the next poll, a polling child
 * run — as a part of its own. Pure: events in, spans out; an end of `null` means "still going".
 */

/** @import { ErrorInfo, HistoryEvent, RunNode } from './types.js' */

/**
 * What a node waited for: `backoff` before a retry, `poll` before the next poll call, `child`
 * a polling child run, `timer` a sleep, `signal` a `wait_for`, `rerun` until the run was retried.
 * @typedef {'backoff' | 'poll' | 'child' | 'timer' | 'signal' | 'rerun'} WaitKind
 *
 * @typedef {{ type: 'attempt', attempt: number, status: string, error: ErrorInfo | null,
 *   start: number, end: number | null }} AttemptPart
 * @typedef {{ type: 'wait', wait: WaitKind, child: string | null, start: number,
 *   end: number | null }} WaitPart
 * @typedef {AttemptPart | WaitPart} Part
 *
 * @typedef {object} NodeSpan
 * @property {number} start
 * @property {number | null} end
 * @property {Part[]} parts in time order; at most the last one is still going
 */

/**
 * @typedef {{ start: number | null, end: number | null, parts: Part[] }} Fold
 * @typedef {(fold: Fold, at: number, event: HistoryEvent) => void} Step
 */

/** @param {Fold} fold */
const openPart = (fold) => {
  const last = fold.parts.at(-1);
  return last && last.end === null ? last : undefined;
};

/**
 * The node (re)starts: its first start opens its life; a start after its end (the run was
 * retried) shows the time between as a wait.
 * @param {Fold} fold
 * @param {number} at
 */
function begin(fold, at) {
  if (fold.start === null) fold.start = at;
  else if (fold.end !== null) {
    fold.parts.push({ type: 'wait', wait: 'rerun', child: null, start: fold.end, end: at });
    fold.end = null;
  }
  const open = openPart(fold);
  if (open) open.end = at;
}

/**
 * @param {Fold} fold
 * @param {number} at
 * @param {string} status
 * @param {ErrorInfo | null} [error]
 */
function endAttempt(fold, at, status, error = null) {
  const open = openPart(fold);
  if (open?.type !== 'attempt') return;
  open.end = at;
  open.status = status;
  open.error = error;
}

/**
 * A wait after an attempt; one before the node ever started (a queue timeout) is not its life.
 * @param {Fold} fold
 * @param {number} at
 * @param {WaitKind} kind
 * @param {string | null} [child]
 */
function wait(fold, at, kind, child = null) {
  if (fold.start === null) return;
  fold.parts.push({ type: 'wait', wait: kind, child, start: at, end: null });
}

/**
 * The node ends: an attempt still open ends as the node does.
 * @param {string} status
 * @returns {Step}
 */
const finish = (status) => (fold, at, event) => {
  if (fold.start === null || fold.end !== null) return;
  const data = /** @type {{ error?: ErrorInfo, attempt_outcome?: string }} */ (event.data ?? {});
  endAttempt(fold, at, data.attempt_outcome ?? status, data.error ?? null);
  const open = openPart(fold);
  if (open) open.end = at;
  fold.end = at;
};

/** @param {WaitKind} kind @returns {Step} */
const waitFrom = (kind) => (fold, at) => {
  begin(fold, at);
  wait(fold, at, kind);
};

/** @type {Record<string, Step>} */
const STEPS = {
  NodeStarted: (fold, at, event) => {
    begin(fold, at);
    fold.parts.push({
      type: 'attempt',
      attempt: event.attempt ?? 0,
      status: 'running',
      error: null,
      start: at,
      end: null,
    });
  },
  NodeRetryScheduled: (fold, at, event) => {
    const data = /** @type {{ outcome: string, error: ErrorInfo }} */ (event.data);
    endAttempt(fold, at, data.outcome, data.error);
    wait(fold, at, 'backoff');
  },
  NodePolled: (fold, at) => {
    endAttempt(fold, at, 'succeeded');
    wait(fold, at, 'poll');
  },
  ChildRunStarted: (fold, at, event) => {
    const child = event.data?.child_run_id;
    endAttempt(fold, at, 'succeeded');
    wait(fold, at, 'child', typeof child === 'string' ? child : null);
  },
  TimerStarted: waitFrom('timer'),
  NodeWaiting: waitFrom('signal'),
  NodeCompleted: finish('succeeded'),
  NodeFailed: finish('failed'),
  NodeTimedOut: finish('timed_out'),
  NodeCanceled: finish('canceled'),
};

/**
 * Every node's span, by node id, from a run's history in order. A node that never started
 * (pending, skipped) has none.
 * @param {HistoryEvent[]} events
 * @returns {Map<string, NodeSpan>}
 */
export function nodeSpans(events) {
  /** @type {Map<string, Fold>} */
  const folds = new Map();
  for (const event of events) {
    const step = STEPS[event.type];
    if (!step || event.node_id === null) continue;
    let fold = folds.get(event.node_id);
    if (!fold) folds.set(event.node_id, (fold = { start: null, end: null, parts: [] }));
    step(fold, Date.parse(event.at), event);
  }
  /** @type {Map<string, NodeSpan>} */
  const spans = new Map();
  for (const [id, { start, end, parts }] of folds)
    if (start !== null) spans.set(id, { start, end, parts });
  return spans;
}

/**
 * A span from the node's own row, for a node whose events the page has not loaded (a history
 * longer than the page keeps): its attempts, and the waits between them and after the last.
 * @param {RunNode} node
 * @returns {NodeSpan | undefined}
 */
export function spanFromNode(node) {
  /** @param {string | null} iso */
  const time = (iso) => (iso === null ? null : Date.parse(iso));
  const end = time(node.finished_at);
  /** @type {WaitKind} */
  const between = node.kind === 'poll' ? 'poll' : 'backoff';
  /** @type {Part[]} */
  const parts = [];
  /** @param {WaitKind} kind @param {number} start @param {number | null} until */
  const waited = (kind, start, until) =>
    parts.push({ type: 'wait', wait: kind, child: null, start, end: until });
  for (const a of node.attempts) {
    const start = Date.parse(a.started_at);
    const last = parts.at(-1);
    if (last?.end != null && last.end < start) waited(between, last.end, start);
    const { attempt, status, error } = a;
    parts.push({ type: 'attempt', attempt, status, error, start, end: time(a.finished_at) });
  }
  const first = parts[0];
  const last = parts.at(-1);
  if (first && last) {
    // After its last attempt a node waits: for its polling child runs, or to be tried again.
    if (last.end !== null && last.end !== end)
      waited(node.polls ? 'child' : between, last.end, end);
    return { start: first.start, end, parts };
  }
  const since = node.kind === 'timer' || node.kind === 'signal' ? time(node.scheduled_at) : null;
  if (since === null) return undefined;
  waited(node.kind === 'timer' ? 'timer' : 'signal', since, end);
  return { start: since, end, parts };
}

/**
 * How often the node polled: its own answered calls (a child run's poll node) and those of the
 * child runs it waited for (a `poll:` node), each child counted in the wait it belongs to.
 * @param {RunNode} node
 * @param {NodeSpan} span
 * @param {{ node_id: string, created_at: string, polls: number }[]} children
 */
export function pollsOf(node, span, children) {
  let polls = 0;
  for (const part of span.parts) {
    if (part.type === 'attempt' && node.kind === 'poll' && part.status === 'succeeded') polls++;
    if (part.type !== 'wait' || part.wait !== 'child') continue;
    // A long poll continues as new: every child made in this wait is part of it.
    for (const child of children) {
      const made = Date.parse(child.created_at);
      if (child.node_id === node.id && made >= part.start && made <= (part.end ?? Infinity))
        polls += child.polls;
    }
  }
  return polls;
}
