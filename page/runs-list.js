/**
 * The runs list at `/`: newest first, refreshed every few seconds, filtered by repo, pipeline,
 * status, trigger and commit (all in the URL query, so a filtered view can be linked), paged
 * with the API's `next_cursor`.
 */
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { shortId, shortSha } from './format.js';
import { usePolling, useNow } from './hooks.js';
import { RUN_STATUSES, TRIGGERS } from './contract.js';
import { html } from './html.js';
import { Link, navigate, withQuery } from './router.js';
import { Duration, NodeBar, Problem, StatusChip, TimeAgo } from './ui.js';

/** @import { RunList, RunSummary } from './types.js' */

const FILTERS = /** @type {const} */ (['repo', 'pipeline', 'status', 'trigger', 'sha', 'children']);
const PAGE_SIZE = 30;
const REFRESH_MS = 2500;

/** @typedef {Partial<Record<(typeof FILTERS)[number] | 'cursor', string>>} ListState */

/** @param {URLSearchParams} query @returns {ListState} */
function stateOf(query) {
  /** @type {ListState} */
  const state = {};
  for (const key of [...FILTERS, 'cursor']) {
    const value = query.get(key);
    if (value) state[/** @type {keyof ListState} */ (key)] = value;
  }
  return state;
}

/** @param {{ query: URLSearchParams }} props */
export function RunsPage({ query }) {
  const state = stateOf(query);
  const key = withQuery('', state);
  const now = useNow(1000);
  const [list, setList] = useState(/** @type {{ key: string, data: RunList } | null} */ (null));
  const [error, setError] = useState(/** @type {Error | null} */ (null));
  const [updatedAt, setUpdatedAt] = useState(0);

  usePolling(
    async () => {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      for (const [name, value] of Object.entries(state)) if (value) params.set(name, value);
      try {
        const data = await api.runs(params);
        setList({ key, data });
        setError(null);
        setUpdatedAt(Date.now());
      } catch (e) {
        setError(/** @type {Error} */ (e));
      }
    },
    REFRESH_MS,
    true,
    key,
  );

  /** @param {ListState} change */
  const update = (change) => {
    const next = { ...state, ...change };
    delete next.cursor;
    navigate(withQuery('/', next));
  };
  const data = list?.key === key ? list.data : null;
  const filtered = FILTERS.some((f) => state[f]);
  /** @param {Event} event */
  const clear = (event) => {
    event.preventDefault();
    navigate('/');
  };

  return html`<section class="runs-page">
    <div class="page-head">
      <h1>Runs</h1>
      <span class="live-note" title="The list refreshes itself every few seconds">
        <span class=${`live-dot${error ? ' off' : ''}`}></span>
        ${updatedAt ? html`updated <${TimeAgo} at=${new Date(updatedAt).toISOString()} now=${now} />` : 'loading…'}
      </span>
    </div>
    <${Filters} state=${state} update=${update} />
    <${Problem} error=${error} />
    ${
      data === null
        ? error
          ? null
          : html`<p class="muted loading">Loading runs…</p>`
        : data.runs.length === 0
          ? html`<div class="empty">
              ${
                filtered
                  ? html`No runs match these filters. <a href="/" onClick=${clear}>Clear the filters</a>`
                  : html`No runs yet: a webhook, <code>POST /api/v1/runs</code> or <code>forgeflow run</code> starts one.`
              }
            </div>`
          : html`<${RunsTable} runs=${data.runs} now=${now} update=${update} />`
    }
    <div class="pager">
      ${
        state.cursor
          ? html`<${Link} class="button" href=${withQuery('/', { ...state, cursor: undefined })}
            >← Newest</${Link}>`
          : null
      }
      ${
        data?.next_cursor
          ? html`<${Link}
            class="button"
            href=${withQuery('/', { ...state, cursor: data.next_cursor })}
            >Older →</${Link}>`
          : null
      }
    </div>
  </section>`;
}

/**
 * @param {{ state: ListState, update: (change: ListState) => void }} props
 */
function Filters({ state, update }) {
  /** @param {(typeof FILTERS)[number]} name */
  const onInput = (name) => (/** @type {Event} */ event) => {
    const target = /** @type {HTMLInputElement | HTMLSelectElement} */ (event.currentTarget);
    update({ [name]: target.value.trim() || undefined });
  };
  /** @param {(typeof FILTERS)[number]} name @param {string} placeholder */
  const text = (name, placeholder) =>
    html`<label class="filter">
      <span>${name === 'sha' ? 'commit' : name}</span>
      <input
        type="search"
        name=${name}
        placeholder=${placeholder}
        value=${state[name] ?? ''}
        onChange=${onInput(name)}
        spellcheck=${false}
      />
    </label>`;
  /** @param {(typeof FILTERS)[number]} name @param {readonly string[]} options */
  const select = (name, options) =>
    html`<label class="filter">
      <span>${name}</span>
      <select name=${name} value=${state[name] ?? ''} onChange=${onInput(name)}>
        <option value="">any</option>
        ${options.map((o) => html`<option value=${o}>${o.replace(/_/g, ' ')}</option>`)}
      </select>
    </label>`;
  const any = FILTERS.some((f) => state[f]);
  return html`<form class="filters" onSubmit=${(/** @type {Event} */ e) => e.preventDefault()}>
    ${text('repo', 'owner/name')} ${text('pipeline', 'name')} ${select('status', RUN_STATUSES)}
    ${select('trigger', TRIGGERS)} ${text('sha', 'sha or prefix')}
    <label class="filter filter-check">
      <input
        type="checkbox"
        name="children"
        checked=${state.children === 'true'}
        onChange=${(/** @type {Event} */ e) =>
          update({
            children: /** @type {HTMLInputElement} */ (e.currentTarget).checked
              ? 'true'
              : undefined,
          })}
      />
      <span>child runs</span>
    </label>
    ${
      any
        ? html`<button
            type="button"
            class="link-button"
            onClick=${() => update({ repo: undefined, pipeline: undefined, status: undefined, trigger: undefined, sha: undefined, children: undefined })}
          >
            clear
          </button>`
        : null
    }
  </form>`;
}

/**
 * @param {{ runs: RunSummary[], now: number, update: (change: ListState) => void }} props
 */
function RunsTable({ runs, now, update }) {
  /** @param {MouseEvent} event @param {string} id */
  const open = (event, id) => {
    const target = /** @type {Element} */ (event.target);
    if (target.closest('a, button, input, select')) return;
    navigate(`/runs/${id}`);
  };
  return html`<table class="runs">
    <thead>
      <tr>
        <th>status</th>
        <th>pipeline</th>
        <th>repo</th>
        <th>trigger</th>
        <th>commit</th>
        <th>nodes</th>
        <th>created</th>
        <th class="num">duration</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map(
        (run) => html`<tr
          key=${run.id}
          data-run-id=${run.id}
          class="run-row"
          onClick=${(/** @type {MouseEvent} */ e) => open(e, run.id)}
        >
          <td><${StatusChip} status=${run.status} /></td>
          <td>
            <${Link} class="run-link" href=${`/runs/${run.id}`}>${run.pipeline}</${Link}>
            <span class="run-id mono" title=${run.id}>${shortId(run.id)}</span>
            ${
              run.attempt > 1
                ? html`<span class="tag" title="started ${run.attempt} times (retried)"
                    >attempt ${run.attempt}</span
                  >`
                : null
            }
            ${run.parent_run_id ? html`<span class="tag">child</span>` : null}
            ${
              run.error
                ? html`<div class="row-error" title=${run.error.message}>
                    ${run.error.type}: ${run.error.message}
                  </div>`
                : null
            }
          </td>
          <td>
            <button
              type="button"
              class="link-button"
              title="Only this repository"
              onClick=${() => update({ repo: run.repo })}
            >
              ${run.repo}
            </button>
          </td>
          <td>
            <span class="trigger">${run.trigger.replace(/_/g, ' ')}</span>
            ${run.pr !== null ? html` <span class="pr">#${run.pr}</span>` : null}
          </td>
          <td><code class="sha" title=${run.sha ?? ''}>${shortSha(run.sha)}</code></td>
          <td class="nodes-cell">
            <${NodeBar} counts=${run.nodes} />
            <span class="muted small">${run.nodes.succeeded}/${run.nodes.total}</span>
          </td>
          <td><${TimeAgo} at=${run.created_at} now=${now} /></td>
          <td class="num">
            <${Duration}
              ms=${run.duration_ms}
              since=${run.started_at}
              live=${run.status === 'running'}
              now=${now}
            />
          </td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}
