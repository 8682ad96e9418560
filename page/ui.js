/** Small shared pieces: status chips, times, errors, JSON blocks, the node-state bar. */
import { html } from './html.js';
import { absoluteTime, formatDuration, prettyJson, relativeTime, statusLabel } from './format.js';
import { Link } from './router.js';
import { requestToken } from './token.js';

/** @import { ComponentChildren } from 'preact' */
/** @import { ApiError } from './api.js' */
/** @import { ErrorInfo, NodeCounts } from './types.js' */

/**
 * A run's or node's state as a coloured chip (`data-status` for tests and styles).
 * @param {{ status: string, stopping?: string | null, small?: boolean }} props
 */
export function StatusChip({ status, stopping = null, small = false }) {
  const label = stopping
    ? `${statusLabel(status)} → ${statusLabel(stopping)}`
    : statusLabel(status);
  return html`<span
    class=${`chip s-${status}${small ? ' chip-small' : ''}`}
    data-status=${status}
    title=${stopping ? `being stopped: it will end ${statusLabel(stopping)}` : undefined}
    ><span class="dot"></span>${label}</span
  >`;
}

/**
 * `3 min ago`, with the exact local time on hover.
 * @param {{ at: string | null | undefined, now: number }} props
 */
export function TimeAgo({ at, now }) {
  if (!at) return html`<span class="muted">–</span>`;
  return html`<time datetime=${at} title=${absoluteTime(at)}>${relativeTime(at, now)}</time>`;
}

/**
 * A duration; while `live`, counted on from `since` with the page's clock.
 * @param {{ ms: number | null, since?: string | null, live?: boolean, now?: number }} props
 */
export function Duration({ ms, since = null, live = false, now = Date.now() }) {
  const value = live && since ? Math.max(ms ?? 0, now - Date.parse(since)) : ms;
  return html`<span class=${`duration${live ? ' live' : ''}`}>${formatDuration(value)}</span>`;
}

/**
 * A failed API call, with the server's explanation; a refused read offers the token dialog.
 * @param {{ error: ApiError | Error | null, onDismiss?: () => void, children?: ComponentChildren }} props
 */
export function Problem({ error, onDismiss, children }) {
  if (!error) return null;
  const apiError = /** @type {Partial<ApiError>} */ (error);
  return html`<div class="problem" role="alert">
    <div class="problem-text">
      <strong>${apiError.title ?? 'Error'}</strong>
      ${apiError.code ? html` <code class="code">${apiError.code}</code>` : null}
      <div class="problem-detail">${apiError.detail ?? error.message}</div>
      ${
        apiError.status === 401
          ? html`<button
              type="button"
              class="button small"
              onClick=${() => void requestToken('Reading needs the API token.')}
            >
              Enter API token
            </button>`
          : null
      }
      ${children}
    </div>
    ${
      onDismiss
        ? html`<button class="icon-button" type="button" title="Dismiss" onClick=${onDismiss}>
            ×
          </button>`
        : null
    }
  </div>`;
}

/**
 * A handler or run error: type, message, retryability.
 * @param {{ error: ErrorInfo }} props
 */
export function ErrorLine({ error }) {
  return html`<div class="error-line">
    <code class="error-type">${error.type}</code>
    <span class="error-message">${error.message}</span>
    ${error.non_retryable ? html`<span class="tag tag-red">non-retryable</span>` : null}
  </div>`;
}

/**
 * A JSON value, pretty, scrollable; `null`/`undefined` shown as a dash.
 * @param {{ value: unknown, empty?: string }} props
 */
export function Json({ value, empty = '–' }) {
  if (value === null || value === undefined) return html`<span class="muted">${empty}</span>`;
  return html`<pre class="json">${prettyJson(value)}</pre>`;
}

const BAR_PARTS = /** @type {const} */ (['succeeded', 'running', 'waiting', 'failed', 'other']);

/**
 * The node states of a run as a thin stacked bar with counts on hover.
 * @param {{ counts: NodeCounts }} props
 */
export function NodeBar({ counts }) {
  const title = BAR_PARTS.filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`)
    .join(', ');
  return html`<div class="nodebar" title=${`${counts.total} nodes: ${title || 'none'}`}>
    ${BAR_PARTS.map((k) =>
      counts[k] > 0
        ? html`<span class=${`nb-${k}`} style=${{ flexGrow: counts[k] }}></span>`
        : null,
    )}
  </div>`;
}

/**
 * Where the page is: `Runs / ci / 3f2a9c1e`, each part but the last a link.
 * @param {{ parts: { label: string, href?: string, title?: string, mono?: boolean }[] }} props
 */
export function Crumbs({ parts }) {
  return html`<nav class="crumbs">
    ${parts.map(
      (part, i) =>
        html`${i > 0 ? html`<span class="crumb-sep">/</span>` : null}
        ${
          part.href
            ? html`<${Link} href=${part.href} class=${part.mono ? 'mono' : ''}>${part.label}</${Link}>`
            : html`<span class=${part.mono ? 'mono' : ''} title=${part.title}>${part.label}</span>`
        }`,
    )}
  </nav>`;
}
