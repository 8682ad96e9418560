/** Counts by outcome for one target, with the peaks and the first examples of each finding. */
import { isBad, type BadOutcome, type Outcome, type Verdict } from './outcomes.js';
import type { TargetName } from './target.js';

export interface Example {
  index: number;
  detail: string;
  /** Where the input was saved, when findings are kept. */
  saved: string | null;
}

/** One class of a bad outcome: how often, and its first cases. */
export interface FindingClass {
  count: number;
  examples: Example[];
}

const EXAMPLES_KEPT = 3;

export class Tally {
  cases = 0;
  readonly counts = new Map<Outcome, number>();
  /** Bad outcome → class (Verdict.kind, '' for none) → count and first examples. */
  readonly classes = new Map<BadOutcome, Map<string, FindingClass>>();
  peakRssKb = 0;
  peakRssCase: number | null = null;
  slowestMs = 0;
  slowestCase: number | null = null;
  /** Cases whose first try hung and whose second did not (a busy machine, or a near miss). */
  hungOnce = 0;
  childrenLost = 0;
  notes: string[] = [];
  elapsedMs = 0;

  constructor(readonly target: TargetName) {}

  add(
    index: number,
    verdict: Verdict,
    run: { ms: number; peakRssKb: number },
    saved: string | null,
  ): void {
    this.cases++;
    this.count(index, verdict, saved);
    if (run.peakRssKb > this.peakRssKb) {
      this.peakRssKb = run.peakRssKb;
      this.peakRssCase = index;
    }
    if (run.ms > this.slowestMs) {
      this.slowestMs = run.ms;
      this.slowestCase = index;
    }
  }

  /** A bad outcome found after its case was counted (a child dying after it answered). */
  addLate(index: number | null, verdict: Verdict): void {
    this.count(index ?? -1, verdict, null);
  }

  private count(index: number, verdict: Verdict, saved: string | null): void {
    this.counts.set(verdict.outcome, (this.counts.get(verdict.outcome) ?? 0) + 1);
    if (!isBad(verdict.outcome)) return;
    const classes = this.classes.get(verdict.outcome) ?? new Map<string, FindingClass>();
    this.classes.set(verdict.outcome, classes);
    const found = classes.get(verdict.kind ?? '') ?? { count: 0, examples: [] };
    classes.set(verdict.kind ?? '', found);
    found.count++;
    if (found.examples.length < EXAMPLES_KEPT)
      found.examples.push({ index, detail: verdict.detail ?? '', saved });
  }

  get bad(): number {
    let sum = 0;
    for (const [outcome, count] of this.counts) if (isBad(outcome)) sum += count;
    return sum;
  }
}
