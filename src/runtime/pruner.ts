/**
 * The pruner: runs the prune steps (prune-steps.ts) batch after batch until none has anything
 * left, on demand (`forgeflow prune`) or every `everyMs` in the background of `serve` and
 * `worker`. In the background one process does each turn (chores.ts), and each process looks
 * again at the turn's due time plus a random part of a tenth of the period, so a fleet of
 * workers does not wake at once. All of it on the runtime's clock: tests move time instead of
 * waiting.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.js';
import type { Clock } from './clock.js';
import { choreDue, claimChore } from './chores.js';
import type { PruneCounts, PruneStep } from './prune-steps.js';

export const PRUNE_CHORE = 'prune';
/** A turn an hour, as GitHub expires logs and Temporal deletes closed workflows: in the background. */
export const DEFAULT_PRUNE_EVERY_MS = 3_600_000;
/**
 * Top-level runs (or deliveries, …) per transaction, each batch short: on PostgreSQL 200 (about
 * 50 ms for runs of 5 nodes and 20 events); on PGlite, whose one connection every worker
 * transaction waits for meanwhile, 50 (about 70 ms there). docs/reliability.md has the figures.
 */
export const DEFAULT_PRUNE_BATCH: Record<Db['kind'], number> = { pg: 200, pglite: 50 };
const MAX_JITTER_MS = 300_000;

export interface PrunerOptions {
  db: Db;
  clock: Clock;
  steps: readonly PruneStep[];
  everyMs?: number;
  batch?: number;
  random?: () => number;
  /** This process, as the chores table records who took a turn. */
  id?: string;
  log?: { warn(obj: object, msg: string): void };
  /** Told what each background turn deleted. */
  onTurn?: (counts: PruneCounts) => void;
}

export class Pruner {
  private looping: { abort: AbortController; done: Promise<void> } | undefined;
  private readonly id: string;

  constructor(private readonly options: PrunerOptions) {
    this.id = options.id ?? randomUUID();
  }

  /**
   * Every step, batch after batch, until each has nothing left (or `signal` aborts): what was
   * deleted. A step stops at a batch that deletes nothing, so rows left for later (a run a
   * worker holds) never make it spin.
   */
  async pruneAll(signal?: AbortSignal): Promise<PruneCounts> {
    const { clock, steps } = this.options;
    const limit = this.options.batch ?? DEFAULT_PRUNE_BATCH[this.options.db.kind];
    const total: PruneCounts = {};
    for (const step of steps) {
      for (;;) {
        if (signal?.aborted) return total;
        const { counts, more } = await step.batch(new Date(clock.now()), limit);
        addTo(total, counts);
        if (!more || sum(counts) === 0) break;
        // Between two transactions, whatever else waits on this process's event loop goes first.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return total;
  }

  /** What pruneAll would delete now, counted; nothing is deleted. */
  async countAll(): Promise<PruneCounts> {
    const now = new Date(this.options.clock.now());
    const total: PruneCounts = {};
    for (const step of this.options.steps) addTo(total, await step.count(now));
    return total;
  }

  /** Starts the background turns (serve, worker). */
  start(): void {
    if (this.looping) return;
    const abort = new AbortController();
    this.looping = { abort, done: this.loop(abort.signal) };
  }

  /** Stops them; a batch under way finishes (it is one short transaction). */
  async stop(): Promise<void> {
    const looping = this.looping;
    this.looping = undefined;
    looping?.abort.abort();
    await looping?.done;
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const { db, clock } = this.options;
    const every = this.options.everyMs ?? DEFAULT_PRUNE_EVERY_MS;
    const random = this.options.random ?? Math.random;
    while (!signal.aborted) {
      let wait = every;
      try {
        const now = new Date(clock.now());
        if (await claimChore(db, PRUNE_CHORE, this.id, now, every)) {
          const counts = await this.pruneAll(signal);
          this.options.onTurn?.(counts);
        }
        const due = await choreDue(db, PRUNE_CHORE);
        if (due !== undefined) wait = Math.min(every, Math.max(0, due.getTime() - clock.now()));
      } catch (error) {
        if (signal.aborted) return;
        this.options.log?.warn({ err: error }, 'pruner: this turn failed; trying again later');
      }
      const jitter = random() * Math.min(every / 10, MAX_JITTER_MS);
      await clock.sleep(Math.max(wait + jitter, 1_000), signal);
    }
  }
}

function addTo(total: PruneCounts, counts: PruneCounts): void {
  for (const [name, n] of Object.entries(counts)) total[name] = (total[name] ?? 0) + n;
}

function sum(counts: PruneCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
