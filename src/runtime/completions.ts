/**
 * A worker's completions, grouped: an attempt that ends while the previous group's transaction
 * is in flight joins the next group, so a busy worker commits many completions at once and an
 * idle one commits each at once (no timer, no added latency). A group that fails is applied
 * again one completion at a time, so one bad completion never holds back the others.
 */
import type { ClaimedAttempt } from './attempt-start.js';
import type { Engine } from './engine.js';
import { finishAttempts, type AttemptResult, type Completion, type Finished } from './finish.js';

/** Completions per transaction at most: bounds its locks and its statement sizes. */
const MAX_GROUP = 64;

interface Pending extends Completion {
  resolve: (finished: Finished) => void;
  reject: (error: unknown) => void;
}

export class Completions {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly engine: Engine,
    private readonly worker: string,
    /** Whether a freed slot may take over a successor (not while the worker stops). */
    private readonly handOff: () => boolean,
  ) {}

  submit(claimed: ClaimedAttempt, result: AttemptResult): Promise<Finished> {
    return new Promise((resolve, reject) => {
      this.pending.push({ claimed, result, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) await this.flush(this.pending.splice(0, MAX_GROUP));
    this.flushing = false;
  }

  private async flush(group: readonly Pending[]): Promise<void> {
    try {
      const finished = await finishAttempts(this.engine, this.worker, group, this.handOff());
      group.forEach((p, i) => p.resolve(finished[i]!));
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      for (const p of group) {
        try {
          const [finished] = await finishAttempts(this.engine, this.worker, [p], this.handOff());
          p.resolve(finished!);
        } catch (alone) {
          p.reject(alone);
        }
      }
    }
  }
}
