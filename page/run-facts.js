/**
 * The facts of one run at the top of its page: where it comes from (repository, trigger, pull
 * request, commit, sender), when it ran, its attempt, its concurrency group, its inputs, its
 * parent and child runs, and its error.
 */
import { shortId, shortSha, statusLabel } from './format.js';
import { html } from './html.js';
import { Link } from './router.js';
import { Duration, ErrorLine, StatusChip, TimeAgo } from './ui.js';

/** @import { ComponentChildren } from 'preact' */
/** @import { ChildRun, RunDetail, RunEvent } from './types.js' */

/**
 * A link to the commit on its forge, when the event says where the repository lives.
 * @param {RunEvent | undefined} event
 * @param {string} sha
 */
function commitUrl(event, sha) {
  const base = event?.repo?.html_url;
  if (!base) return null;
  return event.forge === 'gitlab' ? `${base}/-/commit/${sha}` : `${base}/commit/${sha}`;
}

/**
 * A link leaving the page (to the forge), or plain text without a URL.
 * @param {{ href: string | null | undefined, children: ComponentChildren, class?: string }} props
 */
function Out({ href, children, ...rest }) {
  if (!href) return html`<span ...${rest}>${children}</span>`;
  return html`<a href=${href} target="_blank" rel="noreferrer" ...${rest}>${children}</a>`;
}

/** @param {{ name: string, wide?: boolean, children: ComponentChildren }} props */
function Fact({ name, wide = false, children }) {
  return html`<div class=${wide ? 'fact fact-wide' : 'fact'}>
    <div class="fact-name">${name}</div>
    <div class="fact-value">${children}</div>
  </div>`;
}

/**
 * A child run: its short id, what it does (the poll of one node: its graph's one node is named
 * so, poll-start.ts) and its state, linking to its page.
 * @param {{ child: ChildRun }} props
 */
function ChildPill({ child }) {
  const name = `poll for ${child.node_id}`;
  return html`<${Link} class="child-link" href=${`/runs/${child.id}`} title=${`child run ${child.id}`}>
    <span class="mono">${shortId(child.id)}</span> <span class="child-name">${name}</span> <${StatusChip} status=${child.status} small />
  </${Link}>`;
}

/** @param {{ run: RunDetail, now: number }} props */
export function RunFacts({ run, now }) {
  const event = /** @type {RunEvent | undefined} */ (run.event ?? undefined);
  const sha = run.sha;
  const ref = event?.tag ? `tag ${event.tag}` : (event?.branch ?? null);
  const pr = event?.pr;
  const nodes = run.nodes;

  // htm drops whitespace that holds a line break (as JSX does): spaces stay on one line.
  const action = event?.action ? html` <span class="muted">${event.action}</span>` : null;
  const trigger = html`${statusLabel(run.trigger)}${action}
    ${pr ? html`<div class="small"><${Out} href=${pr.url}>#${pr.number}</${Out}> ${pr.title}</div>` : null}`;
  const commit = sha
    ? html`<${Out} class="mono" href=${commitUrl(event, sha)} title=${sha}>${shortSha(sha)}</${Out}>`
    : html`<span class="muted">–</span>`;
  const parent = run.parent
    ? html`<${Link} class="mono" href=${`/runs/${run.parent.run_id}?node=${encodeURIComponent(run.parent.node_id)}`}
        >${shortId(run.parent.run_id)}</${Link}> <span class="muted small">node ${run.parent.node_id}</span>`
    : null;
  const children = run.children.map((c) => html`<${ChildPill} key=${c.id} child=${c} />`);
  // What `${{ inputs.NAME }}` read in this run (not secrets: shown as they are).
  const inputs = Object.entries(run.inputs ?? {}).map(
    ([name, value]) =>
      html`<span class="input-value" key=${name} data-input=${name}><span class="mono">${name}</span>=<span class="mono">${value === null ? '–' : JSON.stringify(value)}</span></span> `,
  );

  return html`<div class="facts-grid">
      <${Fact} name="repository"><${Out} href=${event?.repo?.html_url}>${run.repo}</${Out}></${Fact}>
      <${Fact} name="trigger">${trigger}</${Fact}>
      <${Fact} name="commit">
        ${commit} ${ref ? html`<span class="muted small">${ref}</span>` : null}
      </${Fact}>
      <${Fact} name="started">
        <${TimeAgo} at=${run.started_at ?? run.created_at} now=${now} />
        ${event?.sender?.login ? html` <span class="muted small">by ${event.sender.login}</span>` : null}
      </${Fact}>
      <${Fact} name="duration">
        <${Duration} ms=${run.duration_ms} since=${run.started_at} live=${run.status === 'running'} now=${now} />
      </${Fact}>
      <${Fact} name="nodes">
        ${`${nodes.succeeded}/${nodes.total} succeeded`}
        ${nodes.failed ? html`<span class="text-bad">${`, ${nodes.failed} failed`}</span>` : null}
      </${Fact}>
      ${
        run.attempt > 1
          ? html`<${Fact} name="attempt">${run.attempt} <span class="muted small">(retried)</span></${Fact}>`
          : null
      }
      ${
        run.concurrency_group
          ? html`<${Fact} name="concurrency group"><span class="mono small">${run.concurrency_group}</span></${Fact}>`
          : null
      }
      ${inputs.length ? html`<${Fact} name="inputs" wide>${inputs}</${Fact}>` : null}
      ${parent ? html`<${Fact} name="parent run">${parent}</${Fact}>` : null}
      ${children.length ? html`<${Fact} name="child runs" wide>${children}</${Fact}>` : null}
    </div>
    ${
      run.error
        ? html`<div class="run-error" role="note">
          <strong>The run ${statusLabel(run.status)}:</strong> <${ErrorLine} error=${run.error} />
        </div>`
        : null
    }`;
}
