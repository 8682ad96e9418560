/**
 * The run as a timeline: one row per node, its bar covering the node's whole life (from its
 * first attempt to its end, or now) on a shared time axis from the run's first start to its end.
 * Inside each bar its attempts are drawn solid and its waits (a retry's backoff, the intervals
 * between polls, a polling child run, a sleep, a signal wait) lighter, each with its own
 * tooltip; a note says how often the node was tried and polled. Shows at a glance what ran in
 * parallel, what waited and what was tried again.
 */
import { useMemo } from 'preact/hooks';
import { formatDuration, shortId, statusLabel } from './format.js';
import { html } from './html.js';
import { nodeSpans, pollsOf, spanFromNode } from './node-spans.js';

/** @import { ChildRun, HistoryEvent, RunDetail, RunNode } from './types.js' */
/** @import { NodeSpan, Part, WaitKind } from './node-spans.js' */

/** Axis steps, in ms: the first giving at most six ticks is used. */
const STEPS = [
  100, 250, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5,
  432e5, 864e5,
];

/** @type {Record<WaitKind, string>} */
const WAITS = {
  backoff: 'backoff before the next attempt',
  poll: 'waiting to poll again',
  child: 'polling in a child run',
  timer: 'sleeping',
  signal: 'waiting for a signal',
  rerun: 'ended; waiting until the run was retried',
};

/** @param {number} n @param {string} one @param {string} many */
const counted = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * @typedef {object} Row
 * @property {RunNode} node
 * @property {{ start: number, end: number } | null} span
 * @property {(Part & { end: number })[]} parts
 * @property {string} note "2 attempts · polled 3 times"
 * @property {number} polls
 */

/**
 * @param {RunNode} node
 * @param {NodeSpan | undefined} span
 * @param {ChildRun[]} children
 * @param {number} until where a span still going ends on the axis
 * @returns {Row}
 */
function rowOf(node, span, children, until) {
  if (!span) return { node, span: null, parts: [], note: '', polls: 0 };
  const parts = span.parts.map((part) => ({ ...part, end: part.end ?? until }));
  const attempts = parts.filter((p) => p.type === 'attempt');
  const polls = pollsOf(node, span, children);
  // A poll node's attempts are its calls: the polls say how many answered; the ended rest failed.
  const failedCalls = attempts.filter((p) => !['succeeded', 'running'].includes(p.status)).length;
  const tries =
    node.kind === 'poll'
      ? failedCalls > 0 && counted(failedCalls, 'failed call', 'failed calls')
      : attempts.length > 1 && counted(attempts.length, 'attempt', 'attempts');
  const note = [tries, polls > 0 && `polled ${counted(polls, 'time', 'times')}`]
    .filter(Boolean)
    .join(' · ');
  return { node, span: { start: span.start, end: span.end ?? until }, parts, note, polls };
}

/** @param {Part & { end: number }} part */
function partTitle(part) {
  const took = ` (${formatDuration(part.end - part.start)})`;
  if (part.type === 'wait')
    return part.wait === 'child' && part.child
      ? `polling in child run ${shortId(part.child)}${took}`
      : `${WAITS[part.wait]}${took}`;
  const error = part.error ? ` — ${part.error.type}: ${part.error.message}` : '';
  return `attempt ${part.attempt}: ${statusLabel(part.status)}${error}${took}`;
}

/**
 * @param {{ run: RunDetail, events: HistoryEvent[], now: number, selected: string | null,
 *   onSelect: (id: string) => void }} props
 */
export function Timeline({ run, events, now, selected, onSelect }) {
  // Folded again only when events arrive, not on each tick of the clock.
  const spans = useMemo(() => nodeSpans(events), [events]);
  // A span still going ends now; one the run's end left open ends with the run.
  const until = run.finished_at ? Math.min(now, Date.parse(run.finished_at)) : now;
  const rows = run.node_list.map((node) =>
    rowOf(node, spans.get(node.id) ?? spanFromNode(node), run.children, until),
  );
  const drawn = rows.flatMap((r) => (r.span ? [r.span] : []));
  if (drawn.length === 0) return html`<p class="muted small">Nothing has started yet.</p>`;
  const t0 = Math.min(
    ...drawn.map((s) => s.start),
    run.started_at ? Date.parse(run.started_at) : Infinity,
  );
  const t1 = Math.max(
    ...drawn.map((s) => s.end),
    run.finished_at ? Date.parse(run.finished_at) : t0,
  );
  const span = Math.max(t1 - t0, 1);
  const step = STEPS.find((s) => span / s <= 6) ?? /** @type {number} */ (STEPS.at(-1));
  /** @type {number[]} */
  const ticks = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);
  /** @param {number} t */
  const at = (t) => ((t - t0) / span) * 100;
  /** @param {{ start: number, end: number }} bar */
  const place = (bar) => ({
    left: `${at(bar.start)}%`,
    width: `max(3px, ${at(bar.end) - at(bar.start)}%)`,
  });
  /**
   * The note goes after its bar where there is room, else before it, else inside it.
   * @param {{ start: number, end: number }} bar
   */
  const placeNote = (bar) => {
    if (at(bar.end) <= 70) return { left: `calc(${at(bar.end)}% + 6px)` };
    if (at(bar.start) >= 30) return { right: `calc(${100 - at(bar.start)}% + 6px)` };
    return { right: `calc(${100 - at(bar.end)}% + 8px)` };
  };

  return html`<div class="timeline">
    <div class="tl-row tl-axis">
      <div class="tl-label"></div>
      <div class="tl-track">
        ${ticks.map(
          (t) =>
            html`<span class="tl-tick" style=${{ left: `${(t / span) * 100}%` }}
              >+${formatDuration(t)}</span
            >`,
        )}
      </div>
    </div>
    ${rows.map(
      ({ node, span: life, parts, note, polls }) =>
        html`<div
          class=${`tl-row${selected === node.id ? ' selected' : ''}`}
          key=${node.id}
          data-node-id=${node.id}
        >
          <button
            type="button"
            class="tl-label link-button"
            title=${node.name}
            onClick=${() => onSelect(node.id)}
          >
            ${node.name}
          </button>
          <div class="tl-track">
            ${ticks.map(
              (t) => html`<span class="tl-grid" style=${{ left: `${(t / span) * 100}%` }}></span>`,
            )}
            ${
              life
                ? html`<span
                    class=${`tl-span s-${node.status}`}
                    style=${place(life)}
                    data-polls=${polls}
                    title=${`${node.name}: ${statusLabel(node.status)}${note ? `, ${note}` : ''} (${formatDuration(life.end - life.start)})`}
                  ></span>`
                : html`<span class="tl-none muted small">${statusLabel(node.status)}</span>`
            }
            ${parts.map((part, i) =>
              part.type === 'attempt'
                ? html`<span
                    key=${i}
                    class=${`tl-bar s-${part.status}`}
                    style=${place(part)}
                    data-attempt=${part.attempt}
                    title=${partTitle(part)}
                  ></span>`
                : html`<span
                    key=${i}
                    class=${`tl-wait s-${node.status}`}
                    style=${{ left: `${at(part.start)}%`, width: `${at(part.end) - at(part.start)}%` }}
                    data-wait=${part.wait}
                    title=${partTitle(part)}
                  ></span>`,
            )}
            ${life && note ? html`<span class="tl-note" style=${placeNote(life)}>${note}</span>` : null}
          </div>
        </div>`,
    )}
  </div>`;
}
