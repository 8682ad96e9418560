/**
 * Terminal tables for the commands that read a server: columns fitted to the terminal's width
 * (100 when not on one), long cells cut with `…`, colour added after the layout so escape codes
 * never count as width; and the small formats tables use: relative times, durations, short ids.
 */
import { paint, type Io } from './io.js';
import { NODE_STYLE } from './progress.js';

type Style = Parameters<typeof paint>[1];

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** The widest this column gets even when there is room. */
  max?: number;
  /** The narrowest it is squeezed to when the table is too wide; without one it is not. */
  min?: number;
}

/** A cell: its text, and a style applied on a terminal. */
export type Cell = string | { text: string; style?: Style };

const TABLE_WIDTH = 100;
const GAP = '  ';

const length = (text: string): number => [...text].length;

/** `text` cut to `width` characters, the last one `…` when something was cut. */
export function truncate(text: string, width: number): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const chars = [...flat];
  if (chars.length <= width) return flat;
  return width <= 0 ? '' : `${chars.slice(0, width - 1).join('')}…`;
}

/** Columns at their natural width (up to `max`), squeezed from the widest when over `width`. */
export function table(
  io: Io,
  columns: readonly Column[],
  rows: readonly (readonly Cell[])[],
): string {
  const width = io.columns ?? TABLE_WIDTH;
  const text = (cell: Cell | undefined): string =>
    cell === undefined ? '' : typeof cell === 'string' ? cell : cell.text;
  const widths = columns.map((column, i) =>
    Math.min(
      column.max ?? Infinity,
      Math.max(length(column.header), ...rows.map((row) => length(text(row[i])))),
    ),
  );
  const floor = columns.map((column, i) => Math.min(widths[i]!, column.min ?? widths[i]!));
  let over = widths.reduce((sum, w) => sum + w, 0) + GAP.length * (columns.length - 1) - width;
  while (over > 0) {
    // One character off the widest column that can still give one.
    let widest = -1;
    for (let i = 0; i < widths.length; i++)
      if (widths[i]! > floor[i]! && (widest === -1 || widths[i]! > widths[widest]!)) widest = i;
    if (widest === -1) break;
    widths[widest]!--;
    over--;
  }
  const line = (cells: readonly Cell[], header: boolean): string =>
    columns
      .map((column, i) => {
        const cell = cells[i];
        const cut = truncate(text(cell), widths[i]!);
        const pad = ' '.repeat(widths[i]! - length(cut));
        const style = header ? 'bold' : typeof cell === 'object' ? cell.style : undefined;
        // Padded outside the colour, so that trimEnd leaves no line ending in spaces.
        const painted = style ? paint(io, style, cut) : cut;
        return column.align === 'right' ? pad + painted : painted + pad;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      true,
    ),
    ...rows.map((row) => line(row, false)),
  ]
    .map((l) => l + '\n')
    .join('');
}

/** `label  value` lines, labels aligned, values never cut: a run's header. */
export function fields(io: Io, entries: readonly [string, string][]): string {
  const labelWidth = Math.max(...entries.map(([label]) => length(label)));
  return entries
    .map(([label, value]) => `${paint(io, 'bold', label.padEnd(labelWidth))}  ${value}\n`)
    .join('');
}

/** `350ms`, `12s`, `1m 30s`, `2h 5m`, `3d 4h`: two units at most. */
export function formatMs(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  if (s < 10 && ms % 1000 !== 0) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  if (s < 60) return `${s}s`;
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const i = units.findIndex(([size]) => s >= size);
  const [big, bigUnit] = units[i]!;
  const [small, smallUnit] = units[i + 1]!;
  const rest = Math.floor((s % big) / small);
  return `${Math.floor(s / big)}${bigUnit}${rest > 0 ? ` ${rest}${smallUnit}` : ''}`;
}

/** `just now`, `42s ago`, `2m ago`, `3h ago`, `5d ago`; `in 2m` for a time still to come. */
export function relativeTime(iso: string, now: number = Date.now()): string {
  const diff = now - new Date(iso).getTime();
  if (Number.isNaN(diff)) return iso;
  const s = Math.round(Math.abs(diff) / 1000);
  if (s < 2) return 'just now';
  const text =
    s < 60
      ? `${s}s`
      : s < 3_600
        ? `${Math.floor(s / 60)}m`
        : s < 86_400
          ? `${Math.floor(s / 3_600)}h`
          : `${Math.floor(s / 86_400)}d`;
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

/** `2025-06-01 10:00:00 UTC (2m ago)`. */
export function timeAndAgo(iso: string, now: number = Date.now()): string {
  return `${iso.slice(0, 19).replace('T', ' ')} UTC (${relativeTime(iso, now)})`;
}

export const shortId = (id: string): string => id.slice(0, 8);
export const shortSha = (sha: string | null): string => (sha === null ? '' : sha.slice(0, 7));

/** Run and node statuses as a terminal shows them. */
const STATUS_STYLE: Record<string, Style> = { ...NODE_STYLE, queued: 'gray', continued: 'gray' };

export function statusCell(status: string): Cell {
  return { text: status.replace('_', ' '), style: STATUS_STYLE[status] ?? 'white' };
}

export function paintStatus(io: Io, status: string): string {
  return paint(io, STATUS_STYLE[status] ?? 'white', status.replace('_', ' '));
}
