/**
 * One node in full: what it is, its attempts with their errors, its input and output, the
 * details of its last heartbeat, and the child runs it started (a `poll:` node's polling run).
 */
import { formatDuration, matrixLabel, nodeDuration, shortId } from './format.js';
import { html } from './html.js';
import { NodeLog } from './node-log.js';
import { Link } from './router.js';
import { Duration, ErrorLine, Json, StatusChip, TimeAgo } from './ui.js';

/** @import { ComponentChildren } from 'preact' */
/** @import { Attempt, ChildRun, GraphNodeSpec, RunNode } from './types.js' */

/**
 * What the node does, in a few words.
 * @param {RunNode} node
 * @param {GraphNodeSpec | undefined} spec
 */
function doing(node, spec) {
  const action = spec?.action;
  if (node.kind === 'timer')
    return `sleeps ${action?.duration_ms !== undefined ? formatDuration(action.duration_ms) : ''}`;
  if (node.kind === 'signal') return `waits for the signal “${action?.signal ?? '?'}”`;
  if (node.kind === 'poll') return `polls ${node.handler ?? ''}`;
  return `${node.handler ?? 'activity'}${node.polls ? ', then polls' : ''}`;
}

/** @param {{ attempt: Attempt, now: number }} props */
function AttemptRow({ attempt, now }) {
  const ms = attempt.finished_at
    ? Date.parse(attempt.finished_at) - Date.parse(attempt.started_at)
    : null;
  const heartbeat = attempt.heartbeat_at
    ? html`<span class="muted small">heartbeat <${TimeAgo} at=${attempt.heartbeat_at} now=${now} /></span>`
    : null;
  return html`<li class="attempt" data-attempt=${attempt.attempt}>
    <div class="attempt-head">
      <span class="attempt-no">#${attempt.attempt}</span>
      <${StatusChip} status=${attempt.status} small />
      <${Duration} ms=${ms} since=${attempt.started_at} live=${attempt.status === 'running'} now=${now} />
      <span class="muted small">started <${TimeAgo} at=${attempt.started_at} now=${now} /></span>
      <span class="muted small worker" title="worker">${attempt.worker}</span>
      ${heartbeat}
    </div>
    ${attempt.error ? html`<${ErrorLine} error=${attempt.error} />` : null}
  </li>`;
}

/**
 * A titled part of the panel.
 * @param {{ title: string, children: ComponentChildren }} props
 */
function Section({ title, children }) {
  return html`<section class="panel-section">
    <h3>${title}</h3>
    ${children}
  </section>`;
}

/**
 * @param {{ runId: string, node: RunNode, spec: GraphNodeSpec | undefined, children: ChildRun[],
 *   now: number, onClose: () => void }} props
 */
export function NodeDetails({ runId, node, spec, children, now, onClose }) {
  const childRuns = node.children.map(
    (id) => children.find((c) => c.id === id) ?? { id, status: 'unknown', created_at: null },
  );
  const maximum = spec && spec.retry.maximum_attempts > 0 ? spec.retry.maximum_attempts : null;
  const attempts = [
    String(node.attempts.length),
    node.failures ? ` (${node.failures} failed)` : '',
    maximum ? ` of at most ${maximum}` : '',
  ].join('');

  return html`<aside class="node-details" data-node-id=${node.id} aria-label="Node details">
    <header class="panel-head">
      <div>
        <h2 class="node-title">${node.name}</h2>
        <div class="muted small mono">${node.id}</div>
      </div>
      <button type="button" class="icon-button" title="Close" onClick=${onClose}>×</button>
    </header>
    <div class="node-status-line">
      <${StatusChip} status=${node.status} />
      <${Duration} ms=${nodeDuration(node, now)} />
    </div>
    <dl class="facts">
      <dt>does</dt>
      <dd>${doing(node, spec)}</dd>
      ${node.matrix ? html`<dt>matrix</dt><dd>${matrixLabel(node.matrix)}</dd>` : null}
      <dt>needs</dt>
      <dd>${node.needs.length ? node.needs.join(', ') : html`<span class="muted">nothing</span>`}</dd>
      <dt>attempts</dt>
      <dd>${attempts}</dd>
      ${node.report ? html`<dt>reports</dt><dd><code>${node.report}</code></dd>` : null}
      <dt>scheduled</dt>
      <dd><${TimeAgo} at=${node.scheduled_at} now=${now} /></dd>
      <dt>finished</dt>
      <dd><${TimeAgo} at=${node.finished_at} now=${now} /></dd>
    </dl>
    ${
      node.error
        ? html`<${Section} title="Error">
          <${ErrorLine} error=${node.error} />
          ${node.error.details !== undefined ? html`<${Json} value=${node.error.details} />` : null}
        </${Section}>`
        : null
    }
    ${node.kind === 'activity' || node.kind === 'poll' ? html`<${Section} title="Log"><${NodeLog} runId=${runId} nodeId=${node.id} /></${Section}>` : null}
    <${Section} title="Attempts">
      ${
        node.attempts.length
          ? html`<ol class="attempts">
            ${[...node.attempts].reverse().map((a) => html`<${AttemptRow} key=${a.attempt} attempt=${a} now=${now} />`)}
          </ol>`
          : html`<p class="muted small">none yet</p>`
      }
    </${Section}>
    ${
      childRuns.length
        ? html`<${Section} title="Child runs">
          <ul class="child-runs">
            ${childRuns.map(
              (c) => html`<li key=${c.id}>
                <${StatusChip} status=${c.status} small />
                <${Link} href=${`/runs/${c.id}`} class="mono">${shortId(c.id)}</${Link}>
                ${c.created_at ? html`<span class="muted small"><${TimeAgo} at=${c.created_at} now=${now} /></span>` : null}
              </li>`,
            )}
          </ul>
        </${Section}>`
        : null
    }
    <${Section} title="Input"><${Json} value=${node.input} empty="not evaluated yet" /></${Section}>
    <${Section} title="Output"><${Json} value=${node.output} empty="none" /></${Section}>
    <${Section} title="Heartbeat details">
      <${Json} value=${node.heartbeat_details} empty="none reported" />
    </${Section}>
  </aside>`;
}
