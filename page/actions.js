/**
 * Cancel, retry and signal a run. Each button is offered only when the API would take the call
 * (retry: a finished top-level run that did not succeed; cancel and signal: an active run); the
 * token is asked for by api.js. What the server did, or its problem `detail`, shows below.
 */
import { useState } from 'preact/hooks';
import { ApiError, api } from './api.js';
import { isActiveRun } from './format.js';
import { html } from './html.js';
import { Problem } from './ui.js';

/** @import { GraphSpec, RunDetail } from './types.js' */

const RETRYABLE = ['failed', 'canceled', 'timed_out'];

/**
 * What a control call did, in a sentence.
 * @param {string} action
 * @param {{ outcome: string } & Record<string, unknown>} result
 */
function describe(action, result) {
  const nodes = Array.isArray(result.nodes) ? result.nodes.join(', ') : '';
  switch (`${action}:${result.outcome}`) {
    case 'retry:retried':
      return `Retried: attempt ${String(result.attempt)} re-runs ${nodes}${result.queued ? ' (queued behind its concurrency group)' : ''}.`;
    case 'retry:nothing-to-retry':
      return 'Nothing to retry: no node failed.';
    case 'cancel:canceling':
      return 'Canceling: running nodes are being stopped.';
    case 'cancel:canceled':
      return 'Canceled.';
    case 'cancel:already-canceling':
      return 'Already being canceled.';
    case 'cancel:already-finished':
      return `Already finished (${String(result.status)}): nothing canceled.`;
    case 'signal:delivered':
      return `Signal delivered to ${String(result.node)}.`;
    case 'signal:buffered':
      return 'Signal kept: no node waits for it yet; the first one to wait gets it.';
    default:
      return `${action}: ${result.outcome}`;
  }
}

/**
 * The signal names the graph waits for, the nodes waiting now first.
 * @param {RunDetail} run
 * @param {GraphSpec | null} graph
 */
function signalNames(run, graph) {
  const waiting = new Set(run.node_list.filter((n) => n.status === 'waiting').map((n) => n.id));
  const names = (graph?.nodes ?? [])
    .map((n) => ({
      id: n.id,
      name: n.action.kind === 'signal' ? n.action.signal : n.action.poll?.signal,
    }))
    .filter((n) => typeof n.name === 'string' && n.name !== '')
    .sort((a, b) => Number(waiting.has(b.id)) - Number(waiting.has(a.id)))
    .map((n) => /** @type {string} */ (n.name));
  return [...new Set(names)];
}

/**
 * @param {{ names: string[], busy: boolean, onSend: (name: string, payload: unknown) => void,
 *   onClose: () => void }} props
 */
function SignalForm({ names, busy, onSend, onClose }) {
  const [name, setName] = useState(names[0] ?? '');
  const [payload, setPayload] = useState('');
  const [invalid, setInvalid] = useState(/** @type {string | null} */ (null));
  /** @param {Event} event */
  const submit = (event) => {
    event.preventDefault();
    /** @type {unknown} */
    let value = null;
    try {
      value = payload.trim() ? /** @type {unknown} */ (JSON.parse(payload)) : null;
    } catch (error) {
      setInvalid(`The payload is not JSON: ${String(/** @type {Error} */ (error).message)}`);
      return;
    }
    setInvalid(null);
    onSend(name.trim(), value);
  };
  return html`<form class="signal-form" onSubmit=${submit}>
    <label>
      <span>signal</span>
      <input
        name="signal"
        list="signal-names"
        required
        pattern="[A-Za-z0-9_.:\\-]+"
        value=${name}
        onInput=${(/** @type {Event} */ e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
      />
      <datalist id="signal-names">${names.map((n) => html`<option value=${n}></option>`)}</datalist>
    </label>
    <label class="grow">
      <span>payload (JSON, optional)</span>
      <textarea
        name="payload"
        rows="2"
        placeholder='{ "user": "me" }'
        value=${payload}
        onInput=${(/** @type {Event} */ e) => setPayload(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value)}
      ></textarea>
    </label>
    <div class="signal-buttons">
      <button type="submit" class="button primary" disabled=${busy}>Send</button>
      <button type="button" class="button" onClick=${onClose}>Close</button>
    </div>
    ${invalid ? html`<div class="form-error">${invalid}</div>` : null}
  </form>`;
}

/**
 * @param {{ run: RunDetail, graph: GraphSpec | null, onDone: () => void }} props
 */
export function RunActions({ run, graph, onDone }) {
  const [busy, setBusy] = useState(/** @type {string | null} */ (null));
  const [error, setError] = useState(/** @type {Error | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [signalOpen, setSignalOpen] = useState(false);
  const active = isActiveRun(run.status);

  /**
   * @param {string} action
   * @param {() => Promise<{ outcome: string } & Record<string, unknown>>} call
   */
  const act = async (action, call) => {
    setBusy(action);
    setError(null);
    setNotice(null);
    try {
      setNotice(describe(action, await call()));
      if (action === 'signal') setSignalOpen(false);
      onDone();
    } catch (e) {
      setError(e instanceof Error ? e : new ApiError(0, 'ERROR', 'Failed', String(e)));
    } finally {
      setBusy(null);
    }
  };
  const cancel = () => {
    if (window.confirm(`Cancel this run of ${run.pipeline}? Running nodes are stopped.`))
      void act('cancel', () => api.cancel(run.id));
  };

  return html`<div class="actions-area">
    <div class="actions">
      ${
        RETRYABLE.includes(run.status) && !run.parent_run_id
          ? html`<button
              type="button"
              class="button primary"
              data-action="retry"
              disabled=${busy !== null}
              title="Re-run the failed, canceled and skipped nodes and what needs them"
              onClick=${() => void act('retry', () => api.retry(run.id))}
            >
              ${busy === 'retry' ? 'Retrying…' : '↻ Retry'}
            </button>`
          : null
      }
      ${
        active
          ? html`<button
                type="button"
                class="button"
                data-action="signal"
                disabled=${busy !== null}
                onClick=${() => setSignalOpen(!signalOpen)}
              >
                ⚑ Signal
              </button>
              <button
                type="button"
                class="button danger"
                data-action="cancel"
                disabled=${busy !== null || run.stopping !== null}
                onClick=${cancel}
              >
                ${busy === 'cancel' ? 'Canceling…' : '■ Cancel'}
              </button>`
          : null
      }
    </div>
    ${
      signalOpen && active
        ? html`<${SignalForm}
            names=${signalNames(run, graph)}
            busy=${busy !== null}
            onSend=${(/** @type {string} */ name, /** @type {unknown} */ payload) =>
              void act('signal', () => api.signal(run.id, name, payload))}
            onClose=${() => setSignalOpen(false)}
          />`
        : null
    }
    ${
      notice
        ? html`<div class="notice" role="status">
            ${notice}
            <button
              type="button"
              class="icon-button"
              title="Dismiss"
              onClick=${() => setNotice(null)}
            >
              ×
            </button>
          </div>`
        : null
    }
    <${Problem} error=${error} onDismiss=${() => setError(null)} />
  </div>`;
}
