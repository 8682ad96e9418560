/** The table `npm run fuzz` prints: counts by target and outcome, the peaks, the seed, examples. */
import { BAD_OUTCOMES, GOOD_OUTCOMES, isBad, type Outcome } from './outcomes.js';
import type { Tally } from './tally.js';

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

export function formatReport(tallies: readonly Tally[], header: string): string {
  const out = [header, ''];
  const rows: [string, string, string, string][] = [['target', 'outcome', 'count', '']];
  for (const tally of tallies) {
    const outcomes = [...tally.counts.keys()].sort(
      (a, b) => order(a) - order(b) || a.localeCompare(b),
    );
    for (const outcome of outcomes)
      rows.push([
        tally.target,
        outcome,
        String(tally.counts.get(outcome)),
        isBad(outcome) ? 'BAD' : '',
      ]);
    rows.push([tally.target, 'total', String(tally.cases), '']);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    out.push(
      `${r[0].padEnd(widths[0]!)}  ${r[1].padEnd(widths[1]!)}  ${r[2].padStart(widths[2]!)}  ${r[3]}`.trimEnd(),
    );
  out.push('');
  for (const t of tallies) {
    out.push(
      `${t.target}: ${t.cases} cases in ${(t.elapsedMs / 1000).toFixed(1)} s; peak RSS ${mb(t.peakRssKb)}` +
        `${t.peakRssCase === null ? '' : ` (case ${t.peakRssCase})`}; slowest ${Math.round(t.slowestMs)} ms` +
        `${t.slowestCase === null ? '' : ` (case ${t.slowestCase})`}; children lost ${t.childrenLost}` +
        `${t.hungOnce ? `; ${t.hungOnce} hung once then finished` : ''}`,
    );
    for (const note of t.notes) out.push(`  note: ${note}`);
  }
  for (const t of tallies)
    for (const [outcome, classes] of t.classes) {
      out.push('', `${t.target} / ${outcome} — ${BAD_OUTCOMES[outcome]}:`);
      const sorted = [...classes].sort((a, b) => b[1].count - a[1].count);
      for (const [kind, found] of sorted) {
        out.push(`  ${found.count} × ${kind || '(one class)'}`);
        for (const e of found.examples)
          out.push(
            `    case ${e.index}${e.saved ? ` (${e.saved})` : ''}: ${e.detail.split('\n').join('\n      ')}`,
          );
      }
    }
  return out.join('\n');
}

function order(outcome: Outcome): number {
  const good = Object.keys(GOOD_OUTCOMES);
  return good.includes(outcome)
    ? good.indexOf(outcome)
    : 100 + Object.keys(BAD_OUTCOMES).indexOf(outcome);
}

/** One line per bad outcome a campaign found (its first examples), for a test's failure message. */
export function findingLines(tally: Tally, replay: string): string[] {
  const lines: string[] = [];
  for (const [outcome, classes] of tally.classes)
    for (const e of [...classes.values()].flatMap((c) => c.examples))
      lines.push(
        `${tally.target} ${outcome} at case ${e.index} (${replay} --from ${e.index} --iterations 1): ${e.detail.slice(0, 500)}`,
      );
  return lines;
}
