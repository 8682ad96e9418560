/**
 * One run at `/runs/:id`: its facts and actions, its graph with live node states (the node
 * picked in `?node=` shown in full beside it), the timeline of its nodes and its history.
 */
import { useMemo } from 'preact/hooks';
import { RunActions } from './actions.js';
import { shortId } from './format.js';
import { layoutGraph } from './graph-layout.js';
import { GraphLegend, GraphView } from './graph-view.js';
import { History } from './history.js';
import { useNow } from './hooks.js';
import { html } from './html.js';
import { NodeDetails } from './node-details.js';
import { HISTORY_CAP, useRunData } from './run-data.js';
import { RunFacts } from './run-facts.js';
import { navigate, withQuery } from './router.js';
import { Timeline } from './timeline.js';
import { Crumbs, Problem, StatusChip, TimeAgo } from './ui.js';

/** @import { GraphSpec, RunDetail } from './types.js' */

/**
 * The nodes to draw, each with its `needs`: the compiled graph's, or (when the API could not
 * give it) the run's nodes.
 * @param {GraphSpec | null} graph
 * @param {RunDetail} run
 */
function drawable(graph, run) {
  return graph ? graph.nodes : run.node_list;
}

/** @param {{ id: string, query: URLSearchParams }} props */
export function RunPage({ id, query }) {
  const { run, graph, events, error, updatedAt, live, refresh, capped } = useRunData(id);
  const now = useNow(1000);
  const selected = query.get('node');
  /** @param {string | null} node */
  const select = (node) => navigate(withQuery(`/runs/${id}`, { node }), { replace: true });

  // Laid out again only when the set of nodes changes, never for a change of state.
  const shape = run ? drawable(graph, run) : null;
  const shapeKey = shape ? shape.map((n) => `${n.id}<${n.needs.join(',')}`).join('\n') : '';
  const layout = useMemo(() => (shape ? layoutGraph(shape) : null), [shapeKey]);
  const byId = useMemo(() => new Map((run?.node_list ?? []).map((n) => [n.id, n])), [run]);

  if (!run)
    return html`<section class="run-page">
      <${Crumbs}
        parts=${[
          { label: 'Runs', href: '/' },
          { label: shortId(id), title: id, mono: true },
        ]}
      />
      ${error ? html`<${Problem} error=${error} />` : html`<p class="muted loading">Loading the run…</p>`}
    </section>`;

  const node = selected ? byId.get(selected) : undefined;
  return html`<section class="run-page" data-run-id=${run.id} data-status=${run.status}>
    <${Crumbs}
      parts=${[
        { label: 'Runs', href: '/' },
        { label: run.pipeline, href: withQuery('/', { pipeline: run.pipeline }) },
        { label: shortId(run.id), title: run.id, mono: true },
      ]}
    />
    <div class="run-head">
      <div class="run-title">
        <h1>${run.pipeline}</h1>
        <${StatusChip} status=${run.status} stopping=${run.stopping} />
        <span
          class="live-note"
          title=${live ? 'Updated every two seconds while the run goes on' : 'The run has ended'}
        >
          <span class=${`live-dot${live && !error ? '' : ' off'}`}></span>
          ${live ? 'live' : 'ended'}${
            updatedAt
              ? html` · updated <${TimeAgo} at=${new Date(updatedAt).toISOString()} now=${now} />`
              : null
          }
        </span>
      </div>
      <${RunActions} run=${run} graph=${graph} onDone=${() => void refresh()} />
    </div>
    <${Problem} error=${error} />
    <${RunFacts} run=${run} now=${now} />

    <section class="card graph-card">
      <header class="card-head">
        <h2>Graph</h2>
        <${GraphLegend} />
      </header>
      <div class=${`graph-and-details${node ? ' with-details' : ''}`}>
        <div class="graph-scroll">
          ${
            layout
              ? html`<${GraphView}
                  layout=${layout}
                  nodes=${byId}
                  selected=${selected}
                  now=${now}
                  onSelect=${(/** @type {string} */ n) => select(n === selected ? null : n)}
                />`
              : null
          }
          ${!node ? html`<p class="hint muted small">Click a node for its attempts, input and output.</p>` : null}
        </div>
        ${
          node
            ? html`<${NodeDetails}
                runId=${run.id}
                node=${node}
                spec=${graph?.nodes.find((n) => n.id === node.id)}
                children=${run.children}
                now=${now}
                onClose=${() => select(null)}
              />`
            : null
        }
      </div>
    </section>

    <section class="card">
      <header class="card-head"><h2>Timeline</h2></header>
      <${Timeline}
        run=${run}
        events=${events}
        now=${now}
        selected=${selected}
        onSelect=${select}
      />
    </section>

    <section class="card">
      <header class="card-head">
        <h2>History</h2>
        <span class="muted small">${events.length} of ${run.history_length} events</span>
      </header>
      <${History} events=${events} node=${selected} onSelect=${select} />
      ${
        capped
          ? html`<p class="muted small">
              ${`The page shows the first ${HISTORY_CAP} events; the rest are at `}
              <code>/api/v1/runs/${run.id}/history</code>.
            </p>`
          : null
      }
    </section>
  </section>`;
}
