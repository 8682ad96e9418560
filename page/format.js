/** Formatting: relative times, durations, commits, state names. Pure functions. */
import { ACTIVE_RUN_STATES } from './contract.js';

/** @param {string} status */
export const isActiveRun = (status) =>
  /** @type {readonly string[]} */ (ACTIVE_RUN_STATES).includes(status);

/** @param {string} status `timed_out` → `timed out` */
export const statusLabel = (status) => status.replace(/_/g, ' ');

/**
 * `850ms`, `4.2s`, `3m 05s`, `2h 14m`, `3d 4h`.
 * @param {number | null | undefined} ms
 */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * `just now`, `42s ago`, `5 min ago`, `3 h ago`, `2 d ago`, then the date; `in 5 min` ahead.
 * @param {string | null | undefined} iso
 * @param {number} [now]
 */
export function relativeTime(iso, now = Date.now()) {
  if (!iso) return '–';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = now - at;
  const ahead = diff < 0;
  const s = Math.abs(diff) / 1000;
  /** @param {string} text */
  const say = (text) => (ahead ? `in ${text}` : `${text} ago`);
  // A few seconds ahead is the browser's clock against the server's, not the future.
  if (s < 5 || (ahead && s < 60)) return 'just now';
  if (s < 60) return say(`${Math.floor(s)}s`);
  if (s < 3600) return say(`${Math.floor(s / 60)} min`);
  if (s < 86400) return say(`${Math.floor(s / 3600)} h`);
  if (s < 86400 * 14) return say(`${Math.floor(s / 86400)} d`);
  return new Date(at).toLocaleDateString();
}

/**
 * A local date and time to the second: `2025-06-01 14:03:22`.
 * @param {string | null | undefined} iso
 */
export function absoluteTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  /** @param {number} n */
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${clockTime(iso)}`;
}

/**
 * `14:03:22.481`, local time.
 * @param {string} iso
 */
export function clockTime(iso) {
  const d = new Date(iso);
  /** @param {number} n @param {number} [w] */
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** @param {string | null | undefined} sha */
export const shortSha = (sha) => (sha ? sha.slice(0, 7) : '–');

/** @param {string} id */
export const shortId = (id) => id.slice(0, 8);

/**
 * JSON for reading: pretty, and cut short when huge.
 * @param {unknown} value
 * @param {number} [max]
 */
export function prettyJson(value, max = 20_000) {
  let text;
  try {
    text = JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return text.length > max
    ? `${text.slice(0, max)}\n… (${text.length - max} more characters)`
    : text;
}

/**
 * `target=f41, arch=x86_64` → the values only, for a node inside its matrix group.
 * @param {Record<string, unknown> | null} matrix
 */
export function matrixLabel(matrix) {
  if (!matrix) return '';
  return Object.values(matrix)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .join(' · ');
}

/**
 * When a node began: its first attempt, or for a timer or a signal wait (which have no
 * attempts) when it began waiting.
 * @param {{ kind: string, started_at: string | null, scheduled_at: string | null }} node
 */
export function nodeStartedAt(node) {
  if (node.started_at) return node.started_at;
  return node.kind === 'timer' || node.kind === 'signal' ? node.scheduled_at : null;
}

/**
 * How long a node has taken: to its end, or until now while it goes on.
 * @param {{ kind: string, started_at: string | null, scheduled_at: string | null, finished_at: string | null }} node
 * @param {number} now
 */
export function nodeDuration(node, now) {
  const start = nodeStartedAt(node);
  if (!start) return null;
  return (node.finished_at ? Date.parse(node.finished_at) : now) - Date.parse(start);
}
