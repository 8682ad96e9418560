/**
 * Coalescing starts (group commit): start() calls that arrive while a batch of starts is in its
 * transaction wait and go together in the next one (start-batch.ts), up to a bound. Alone, a
 * call goes at once, in a batch of one; under load (webhook deliveries arriving together) the
 * batches grow by themselves, with no timer. One batch is in flight at a time, which also suits
 * PGlite's single connection.
 *
 * A batch whose transaction fails has committed nothing: its starts are retried one by one, each
 * in a transaction of its own (start-run.ts), so each caller gets its own run or its own error
 * and one start's failure (its `alongside` threw, say) never fails its neighbours.
 */
import type { Engine } from './engine.js';
import { publish } from './run-transaction.js';
import { startBatch } from './start-batch.js';
import { startRun, type StartedRun, type StartRunInput } from './start-run.js';
import type { AfterCommit } from './types.js';

/** Starts per transaction, for start() calls coalesced and for Runtime.startMany's chunks. */
export const START_BATCH_MAX = 1_000;

interface Waiting {
  input: StartRunInput;
  resolve: (started: StartedRun) => void;
  reject: (error: unknown) => void;
}

export class StartQueue {
  private waiting: Waiting[] = [];
  private draining = false;

  constructor(
    private readonly engine: Engine,
    private readonly maxBatch = START_BATCH_MAX,
  ) {}

  start(input: StartRunInput): Promise<StartedRun> {
    return new Promise<StartedRun>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      // After the current task's synchronous code: calls made together go in one batch.
      queueMicrotask(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.run(this.waiting.splice(0, this.maxBatch));
    } finally {
      this.draining = false;
    }
  }

  private async run(batch: readonly Waiting[]): Promise<void> {
    let outcome: Awaited<ReturnType<typeof startBatch>>;
    try {
      outcome = await startBatch(
        this.engine,
        batch.map((w) => w.input),
      );
    } catch (error) {
      if (batch.length === 1) batch[0]!.reject(error);
      else await this.oneByOne(batch);
      return;
    }
    this.settle(batch, outcome);
  }

  private async oneByOne(batch: readonly Waiting[]): Promise<void> {
    for (const w of batch) {
      let outcome: Awaited<ReturnType<typeof startRun>>;
      try {
        outcome = await startRun(this.engine, w.input);
      } catch (error) {
        w.reject(error);
        continue;
      }
      this.settle([w], { started: [outcome.started], after: outcome.after });
    }
  }

  /**
   * Committed: the events are published before the callers resume, as a lone start did. A
   * listener that throws fails these calls (their runs stay started), never a retry of them.
   */
  private settle(
    batch: readonly Waiting[],
    { started, after }: { started: StartedRun[]; after: AfterCommit },
  ): void {
    try {
      publish(this.engine, after);
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    batch.forEach((w, i) => w.resolve(started[i]!));
  }
}
