/**
 * A run's history, event by event, as a vertical timeline: time since the run's first event,
 * the type (coloured by what it means), the node, a one-line summary; a click shows the data.
 * Optionally only the selected node's events.
 */
import { useState } from 'preact/hooks';
import { absoluteTime, formatDuration, shortId } from './format.js';
import { html } from './html.js';
import { Link } from './router.js';
import { Json } from './ui.js';

/** @import { ErrorInfo, HistoryEvent } from './types.js' */

/**
 * The fields of events' data (src/runtime/history.ts), all optional: each type has some.
 * @typedef {object} EventData
 * @property {string} [pipeline]
 * @property {string[]} [nodes]
 * @property {number} [attempt]
 * @property {string[]} [failed]
 * @property {ErrorInfo} [error]
 * @property {string} [outcome]
 * @property {number} [next_attempt]
 * @property {string} [due_at]
 * @property {string} [worker]
 * @property {unknown} [output]
 * @property {string} [name]
 * @property {string | null} [delivered_to]
 * @property {string} [signal]
 * @property {string} [fire_at]
 * @property {string} [reason]
 * @property {string} [child_run_id]
 * @property {string} [status]
 * @property {string} [next_run_id]
 * @property {string} [group]
 * @property {string[]} [behind]
 */

/**
 * The colour family of an event type.
 * @param {string} type
 */
export function eventTone(type) {
  if (/Failed|TimedOut|LimitExceeded|Fenced|LeaseLost/.test(type)) return 'bad';
  if (/Completed|Fired/.test(type)) return 'good';
  if (/Retry|Retried|Waiting|Queued|Polled/.test(type)) return 'warn';
  if (/Cancel|Skipped|ContinuedAsNew/.test(type)) return 'quiet';
  if (/Started|Scheduled|Dequeued|Signal/.test(type)) return 'info';
  return 'plain';
}

/** @param {unknown} value */
function oneLine(value) {
  const text = JSON.stringify(value) ?? '';
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

/**
 * What an event says, in one line.
 * @param {HistoryEvent} event
 * @returns {unknown}
 */
export function summary(event) {
  const d = /** @type {EventData} */ (event.data ?? {});
  switch (event.type) {
    case 'RunStarted':
      return `${d.pipeline ?? ''}: ${d.nodes?.length ?? 0} nodes, attempt ${d.attempt ?? 1}`;
    case 'RunRetried':
      return `attempt ${d.attempt ?? '?'}: re-runs ${(d.nodes ?? []).join(', ')}`;
    case 'RunFailed':
      return d.error
        ? `${d.error.type}: ${d.error.message}`
        : `failed: ${(d.failed ?? []).join(', ')}`;
    case 'NodeFailed':
    case 'NodeTimedOut':
    case 'RunTimedOut':
      return d.error ? `${d.error.type}: ${d.error.message}` : '';
    case 'NodeRetryScheduled':
      return `${d.error?.type ?? d.outcome ?? ''}: ${d.error?.message ?? ''} — attempt ${d.next_attempt ?? '?'} next`;
    case 'NodeScheduled': {
      // Worth saying only for a wait: a retry's backoff, a poll's interval.
      const wait = Date.parse(d.due_at ?? event.at) - Date.parse(event.at);
      return wait > 1000 ? `due in ${formatDuration(wait)}` : '';
    }
    case 'NodeStarted':
      return `on ${d.worker ?? '?'}`;
    case 'NodeCompleted':
    case 'NodePolled':
      return `output ${oneLine(d.output)}`;
    case 'SignalReceived':
      return `“${d.name ?? ''}” ${d.delivered_to ? `→ ${d.delivered_to}` : '(buffered)'}`;
    case 'NodeWaiting':
      return `for the signal “${d.signal ?? ''}”`;
    case 'TimerStarted':
      return `fires at ${absoluteTime(d.fire_at)}`;
    case 'CancelRequested':
    case 'NodeCanceled':
    case 'NodeSkipped':
    case 'RunCanceled':
      return d.reason ?? '';
    case 'ChildRunStarted':
    case 'ChildRunCompleted':
      // On one line: htm drops whitespace that holds a line break ("child run4fba3eec").
      return html`child run <${Link} href=${`/runs/${d.child_run_id}`} class="mono">${shortId(String(d.child_run_id))}</${Link}>${d.status ? ` ${d.status}` : ''}`;
    case 'RunContinuedAsNew':
      return html`continued as <${Link} href=${`/runs/${d.next_run_id}`} class="mono">${shortId(String(d.next_run_id))}</${Link}>`;
    case 'RunQueued':
      return `behind ${(d.behind ?? []).length} run(s) of ${d.group ?? ''}`;
    default:
      return Object.keys(d).length ? oneLine(d) : '';
  }
}

/**
 * @param {{ event: HistoryEvent, t0: number, onSelect: (id: string) => void }} props
 */
function EventRow({ event, t0, onSelect }) {
  const [open, setOpen] = useState(false);
  const hasData = event.data !== null && Object.keys(event.data).length > 0;
  return html`<li
    class=${`ev tone-${eventTone(event.type)}${open ? ' open' : ''}`}
    data-type=${event.type}
  >
    <span class="ev-dot"></span>
    <div class="ev-main" onClick=${() => hasData && setOpen(!open)}>
      <span class="ev-time" title=${absoluteTime(event.at)}
        >+${formatDuration(Date.parse(event.at) - t0)}</span
      >
      <span class="ev-seq">${event.seq}</span>
      <span class="ev-type">${event.type}</span>
      ${
        event.node_id
          ? html`<button
              type="button"
              class="link-button ev-node"
              onClick=${(/** @type {Event} */ e) => {
                e.stopPropagation();
                onSelect(/** @type {string} */ (event.node_id));
              }}
            >
              ${event.node_id}${event.attempt ? html`<span class="muted"> #${event.attempt}</span>` : null}
            </button>`
          : null
      }
      <span class="ev-summary">${summary(event)}</span>
      ${hasData ? html`<span class="ev-toggle muted">${open ? '▾' : '▸'}</span>` : null}
    </div>
    ${open ? html`<${Json} value=${event.data} />` : null}
  </li>`;
}

/**
 * @param {{ events: HistoryEvent[], node: string | null, onSelect: (id: string) => void }} props
 */
export function History({ events, node, onSelect }) {
  const [onlyNode, setOnlyNode] = useState(false);
  const first = events[0];
  if (!first) return html`<p class="muted small">No events yet.</p>`;
  const t0 = Date.parse(first.at);
  const shown = onlyNode && node ? events.filter((e) => e.node_id === node) : events;
  return html`<div class="history">
    ${
      node
        ? html`<label class="history-filter small">
            <input
              type="checkbox"
              checked=${onlyNode}
              onChange=${(/** @type {Event} */ e) =>
                setOnlyNode(/** @type {HTMLInputElement} */ (e.currentTarget).checked)}
            />
            only <code>${node}</code>
          </label>`
        : null
    }
    <ol class="events">
      ${shown.map((e) => html`<${EventRow} key=${e.seq} event=${e} t0=${t0} onSelect=${onSelect} />`)}
    </ol>
  </div>`;
}
