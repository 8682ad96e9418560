/**
 * The run as a timeline: one row per node, one bar per attempt (or per wait, for timers,
 * signals and polls), on a shared time axis from the run's first start to its end (or now).
 * Shows at a glance what ran in parallel, what waited and what was tried again.
 */
import { formatDuration, nodeStartedAt, statusLabel } from './format.js';
import { html } from './html.js';

/** @import { RunDetail, RunNode } from './types.js' */

/** Axis steps, in ms: the first giving at most six ticks is used. */
const STEPS = [
  100, 250, 500, 1e3, 2e3, 5e3, 1e4, 15e3, 3e4, 6e4, 12e4, 3e5, 6e5, 9e5, 18e5, 36e5, 72e5, 216e5,
  432e5, 864e5,
];

/**
 * @typedef {{ start: number, end: number, status: string, title: string }} Bar
 */

/**
 * @param {RunNode} node
 * @param {number} now
 * @returns {Bar[]}
 */
function barsOf(node, now) {
  /** @param {string | null} iso */
  const end = (iso) => (iso ? Date.parse(iso) : now);
  if (node.attempts.length)
    return node.attempts.map((a) => ({
      start: Date.parse(a.started_at),
      end: end(a.finished_at),
      status: a.status,
      title: `attempt ${a.attempt}: ${statusLabel(a.status)}${a.error ? ` — ${a.error.type}: ${a.error.message}` : ''}`,
    }));
  const started = nodeStartedAt(node);
  if (!started) return [];
  return [
    {
      start: Date.parse(started),
      end: end(node.finished_at),
      status: node.status,
      title: `${node.kind}: ${statusLabel(node.status)}`,
    },
  ];
}

/**
 * @param {{ run: RunDetail, now: number, selected: string | null, onSelect: (id: string) => void }} props
 */
export function Timeline({ run, now, selected, onSelect }) {
  const rows = run.node_list.map((node) => ({ node, bars: barsOf(node, now) }));
  const starts = rows.flatMap((r) => r.bars.map((b) => b.start));
  if (starts.length === 0) return html`<p class="muted small">Nothing has started yet.</p>`;
  const t0 = Math.min(...starts, run.started_at ? Date.parse(run.started_at) : Infinity);
  const t1 = Math.max(
    ...rows.flatMap((r) => r.bars.map((b) => b.end)),
    run.finished_at ? Date.parse(run.finished_at) : t0,
  );
  const span = Math.max(t1 - t0, 1);
  const step = STEPS.find((s) => span / s <= 6) ?? /** @type {number} */ (STEPS.at(-1));
  /** @type {number[]} */
  const ticks = [];
  for (let t = 0; t <= span; t += step) ticks.push(t);
  /** @param {number} t */
  const pct = (t) => `${((t - t0) / span) * 100}%`;

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
      ({ node, bars }) =>
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
            ${bars.map(
              (bar, i) =>
                html`<span
                  key=${i}
                  class=${`tl-bar s-${bar.status}`}
                  style=${{ left: pct(bar.start), width: `max(3px, ${((bar.end - bar.start) / span) * 100}%)` }}
                  title=${`${bar.title} (${formatDuration(bar.end - bar.start)})`}
                ></span>`,
            )}
            ${
              bars.length === 0
                ? html`<span class="tl-none muted small">${statusLabel(node.status)}</span>`
                : null
            }
          </div>
        </div>`,
    )}
  </div>`;
}
