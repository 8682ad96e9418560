/**
 * Keeps the inputs that found something under the findings folder (git-ignored):
 * `<dir>/<target>/<outcome>/<seed>-<index>.<ext>` beside a `.json` with how to replay it. At
 * most a few per class of finding, so a long run that finds one bug a thousand times does not
 * fill the disk.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BadOutcome, Verdict } from './outcomes.js';
import type { Finding, TargetName } from './target.js';

/** Kept per target, outcome and class (Verdict.kind), and per target and outcome. */
const KEPT_PER_CLASS = 5;
const KEPT_PER_OUTCOME = 50;

export class Findings {
  private readonly kept = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly seed: number,
  ) {}

  save(
    target: TargetName,
    index: number,
    verdict: Verdict & { outcome: BadOutcome },
    finding: Finding,
  ): string | null {
    const key = `${target}/${verdict.outcome}`;
    const classKey = `${key}/${verdict.kind ?? ''}`;
    const count = this.kept.get(key) ?? 0;
    const ofClass = this.kept.get(classKey) ?? 0;
    if (count >= KEPT_PER_OUTCOME || ofClass >= KEPT_PER_CLASS) return null;
    this.kept.set(key, count + 1);
    this.kept.set(classKey, ofClass + 1);
    const folder = join(this.dir, target, verdict.outcome);
    mkdirSync(folder, { recursive: true });
    const base = join(folder, `${this.seed}-${index}`);
    const file = `${base}.${finding.input.extension}`;
    writeFileSync(file, finding.input.data);
    const meta = {
      target,
      seed: this.seed,
      index,
      outcome: verdict.outcome,
      detail: verdict.detail ?? null,
      kind: verdict.kind ?? null,
      replay: `npm run fuzz -- --target ${target} --seed ${this.seed} --from ${index} --iterations 1`,
      ...finding.meta,
    };
    writeFileSync(`${base}.json`, `${JSON.stringify(meta, null, 2)}\n`);
    return file;
  }
}
