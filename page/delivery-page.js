/**
 * One webhook delivery at `/deliveries/:id`: what arrived, what forgeflow made of it (the runs
 * it started, or why none) and the config diagnostics when the config was broken. Read once:
 * a delivery settles within a moment, so it is polled only while still `planning`.
 */
import { useState } from 'preact/hooks';
import { api } from './api.js';
import { shortId, shortSha, statusLabel } from './format.js';
import { useNow, usePolling } from './hooks.js';
import { html } from './html.js';
import { Link } from './router.js';
import { Crumbs, Json, Problem, TimeAgo } from './ui.js';

/** @import { Delivery } from './types.js' */

/** Outcomes coloured like run states: started is good, refused ones bad, the rest quiet. */
const OUTCOME_STATE = /** @type {Record<string, string>} */ ({
  planning: 'running',
  started: 'succeeded',
  command: 'succeeded',
  invalid_config: 'failed',
  untrusted: 'failed',
  failed: 'failed',
});

/** @param {{ id: string }} props */
export function DeliveryPage({ id }) {
  const now = useNow(1000);
  const [delivery, setDelivery] = useState(/** @type {Delivery | null} */ (null));
  const [error, setError] = useState(/** @type {Error | null} */ (null));
  usePolling(
    async () => {
      try {
        setDelivery(await api.delivery(id));
        setError(null);
      } catch (e) {
        setError(/** @type {Error} */ (e));
      }
    },
    2000,
    delivery === null ? error === null : delivery.outcome === 'planning',
    id,
  );

  const crumbs = html`<${Crumbs}
    parts=${[
      { label: 'Runs', href: '/' },
      { label: `delivery ${id}`, mono: true },
    ]}
  />`;
  if (!delivery)
    return html`<section class="delivery-page">
      ${crumbs}
      ${error ? html`<${Problem} error=${error} />` : html`<p class="muted loading">Loading…</p>`}
    </section>`;

  const d = delivery;
  const runs = [...(d.plan_run_id ? [d.plan_run_id] : []), ...d.run_ids];
  return html`<section class="delivery-page">
    ${crumbs}
    <div class="run-head">
      <div class="run-title">
        <h1>
          ${d.forge} ${d.event}${d.action ? html` <span class="muted">${d.action}</span>` : null}
        </h1>
        <span class=${`chip s-${OUTCOME_STATE[d.outcome] ?? 'skipped'}`} data-status=${d.outcome}
          ><span class="dot"></span>${statusLabel(d.outcome)}</span
        >
      </div>
    </div>
    <${Problem} error=${error} />
    <div class="facts-grid">
      <div class="fact">
        <div class="fact-name">repository</div>
        <div class="fact-value">${d.repo ?? '–'}</div>
      </div>
      <div class="fact">
        <div class="fact-name">commit</div>
        <div class="fact-value mono">${shortSha(d.sha)}</div>
      </div>
      <div class="fact">
        <div class="fact-name">pull request</div>
        <div class="fact-value">${d.pr !== null ? `#${d.pr}` : '–'}</div>
      </div>
      <div class="fact">
        <div class="fact-name">sender</div>
        <div class="fact-value">${d.sender ?? '–'}</div>
      </div>
      <div class="fact">
        <div class="fact-name">received</div>
        <div class="fact-value"><${TimeAgo} at=${d.received_at} now=${now} /></div>
      </div>
      <div class="fact">
        <div class="fact-name">config</div>
        <div class="fact-value mono small">
          ${d.config_path ?? '–'}${d.config_sha ? ` @ ${shortSha(d.config_sha)}` : ''}
        </div>
      </div>
    </div>
    ${d.reason ? html`<div class="run-error" role="note">${d.reason}</div>` : null}
    <section class="card">
      <header class="card-head"><h2>Runs</h2></header>
      ${
        runs.length
          ? html`<ul class="child-runs">
              ${runs.map(
                (r) => html`<li key=${r}>
                <${Link} class="mono" href=${`/runs/${r}`}>${shortId(r)}</${Link}>
                ${r === d.plan_run_id ? html`<span class="muted small">plan run (reads and compiles the config)</span>` : null}
              </li>`,
              )}
            </ul>`
          : html`<p class="muted small">This delivery started no run.</p>`
      }
    </section>
    ${
      d.diagnostics !== null && d.diagnostics !== undefined
        ? html`<section class="card">
            <header class="card-head"><h2>Diagnostics</h2></header>
            <${Json} value=${d.diagnostics} />
          </section>`
        : null
    }
  </section>`;
}
