/** Summary statistics of wall-time samples, and the table the benches print. */

export interface Summary {
  iterations: number;
  min_ms: number;
  median_ms: number;
  p95_ms: number;
  mean_ms: number;
  max_ms: number;
  total_ms: number;
}

/** The p-th percentile (0–100) of ascending `sorted`, interpolating between neighbours. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no samples');
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0–100`);
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return low + (high - low) * (rank - below);
}

export function median(sorted: readonly number[]): number {
  return percentile(sorted, 50);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = samples.reduce((sum, x) => sum + x, 0);
  return {
    iterations: samples.length,
    min_ms: sorted[0] ?? NaN,
    median_ms: median(sorted),
    p95_ms: percentile(sorted, 95),
    mean_ms: total / samples.length,
    max_ms: sorted[sorted.length - 1] ?? NaN,
    total_ms: total,
  };
}

/** Milliseconds with three significant decimals, so small and large figures line up. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return ms >= 100 ? ms.toFixed(1) : ms >= 10 ? ms.toFixed(2) : ms.toFixed(3);
}

/** Columns padded to their widest cell: the first column left-aligned, the rest right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
