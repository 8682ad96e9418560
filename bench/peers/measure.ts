/**
 * One round of each measurement, the same for every system: a fresh database, the system's
 * main-process side (peer.ts), one worker process forked for the round, the database polled
 * every DONE_POLL_MS to see the work finished.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../stats.js';
import type { DbCost } from '../support.js';
import { analyze, withFreshDatabase } from './database.js';
import { wallNow, WorkerProcess, type Stopped } from './ipc.js';
import type { Peer, PeerSession } from './peer.js';
import {
  CHAIN_STEPS,
  DONE_POLL_MS,
  JOBS,
  LATENCY_PER_SECOND,
  LATENCY_STARTS,
  ROUND_TIMEOUT_MS,
} from './settings.js';

/** After the worker has started, before latency and chain rounds: its start-up work settles. */
const IDLE_BEFORE_MS = 1_000;

export interface ThroughputRound {
  items: number;
  /** Putting them in the queue before the worker ran (not compared: each system's own way). */
  enqueue_ms: number;
  /** From `go` to the worker's start call returning (inside the measured time). */
  worker_start_ms: number;
  /** From `go` (worker process loaded, its worker not started) to the database showing all done. */
  total_ms: number;
  items_per_s: number;
  start_cost: DbCost | null;
  worker_cost: DbCost | null;
}

export interface LatencyRound {
  starts: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export interface ChainRound {
  steps: number;
  /** From the start call to the database showing the chain finished. */
  total_ms: number;
  per_step_ms: number;
  /** Between consecutive handler entries. */
  gap_p50_ms: number;
  gap_p99_ms: number;
  start_cost: DbCost | null;
  worker_cost: DbCost | null;
}

async function inFreshDatabase<T>(
  peer: Peer,
  fn: (session: PeerSession, url: string) => Promise<T>,
): Promise<T> {
  return withFreshDatabase(async ({ url }) => {
    const session = await peer.open(url);
    try {
      return await fn(session, url);
    } finally {
      await session.close();
    }
  });
}

/** Forks the round's worker process, runs `fn` with it, stops it (kills it on failure). */
async function withWorker<T>(
  session: PeerSession,
  report: boolean,
  fn: (worker: WorkerProcess) => Promise<T>,
): Promise<{ value: T; stopped: Stopped }> {
  const { file, config } = session.worker(report);
  const worker = new WorkerProcess(file, config);
  try {
    await worker.ready();
    const value = await fn(worker);
    const stopped = await worker.stop();
    if (stopped.errors > 0)
      process.stderr.write(
        `  peers: the worker logged ${stopped.errors} warnings/errors; the first: ${stopped.firstError}\n`,
      );
    return { value, stopped };
  } catch (error) {
    await worker.kill();
    throw error;
  }
}

/** Polls until `done()` holds; rejects when the worker process fails or the round runs too long. */
async function until(done: () => Promise<boolean>, worker: WorkerProcess): Promise<number> {
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  const failed = worker.failed();
  failed.catch(() => undefined);
  for (;;) {
    if (await done()) return wallNow();
    if (performance.now() > deadline) throw new Error(`not done in ${ROUND_TIMEOUT_MS} ms`);
    await Promise.race([sleep(DONE_POLL_MS), failed]);
  }
}

export function throughput(peer: Peer): Promise<ThroughputRound> {
  return inFreshDatabase(peer, async (session, url) => {
    const t0 = performance.now();
    await session.preStart(JOBS);
    const enqueueMs = performance.now() - t0;
    const startCost = session.takeStartCost?.() ?? null;
    await analyze(url);
    const { value, stopped } = await withWorker(session, false, async (worker) => {
      const go = wallNow();
      const started = worker.go();
      const end = await until(() => session.finished(JOBS), worker);
      return { go, started: await started, end };
    });
    const total = value.end - value.go;
    return {
      items: JOBS,
      enqueue_ms: enqueueMs,
      worker_start_ms: value.started - value.go,
      total_ms: total,
      items_per_s: (JOBS * 1000) / total,
      start_cost: startCost,
      worker_cost: stopped.cost,
    };
  });
}

export function latency(peer: Peer): Promise<LatencyRound> {
  return inFreshDatabase(peer, async (session) => {
    const startedAt = new Map<string, number>();
    const { value: entered } = await withWorker(session, true, async (worker) => {
      await worker.go();
      await sleep(IDLE_BEFORE_MS);
      const t0 = performance.now();
      for (let i = 0; i < LATENCY_STARTS; i++) {
        const wait = t0 + (i * 1000) / LATENCY_PER_SECOND - performance.now();
        if (wait > 0) await sleep(wait);
        const at = wallNow();
        startedAt.set(await session.startOne(i), at);
      }
      await until(() => Promise.resolve(worker.entered.size >= LATENCY_STARTS), worker);
      // Stopped only once the database shows every item done, not just entered.
      await until(() => session.finished(LATENCY_STARTS), worker);
      return worker.entered;
    });
    const latencies = [...startedAt].map(([key, at]) => {
      const handled = entered.get(key);
      if (handled === undefined) throw new Error(`no handler entry for ${key}`);
      return handled - at;
    });
    const sorted = latencies.sort((a, b) => a - b);
    return {
      starts: sorted.length,
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
      max_ms: sorted[sorted.length - 1]!,
      mean_ms: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    };
  });
}

export function chain(peer: Peer): Promise<ChainRound> {
  return inFreshDatabase(peer, async (session) => {
    const { value, stopped } = await withWorker(session, true, async (worker) => {
      await worker.go();
      await sleep(IDLE_BEFORE_MS);
      session.takeStartCost?.();
      const t0 = wallNow();
      await session.startChain(CHAIN_STEPS);
      const end = await until(() => session.finished(1), worker);
      const startCost = session.takeStartCost?.() ?? null;
      // Every entry was sent before its step ended; the last ones may still be in the channel.
      await until(() => Promise.resolve(worker.entered.size >= CHAIN_STEPS), worker);
      return { t0, end, startCost, entries: [...worker.entered.values()] };
    });
    const times = value.entries.sort((a, b) => a - b);
    const gaps = times
      .slice(1)
      .map((t, i) => t - times[i]!)
      .sort((a, b) => a - b);
    const total = value.end - value.t0;
    return {
      steps: CHAIN_STEPS,
      total_ms: total,
      per_step_ms: total / CHAIN_STEPS,
      gap_p50_ms: percentile(gaps, 50),
      gap_p99_ms: percentile(gaps, 99),
      start_cost: value.startCost,
      worker_cost: stopped.cost,
    };
  });
}
