/**
 * The gauges read when scraped: the queue (one query of the shared database for both of its
 * gauges, so every process reports the same) and this process's worker slots.
 */
import { Gauge, type Registry } from 'prom-client';
import { dueTasks } from '../queries.js';
import type { Runtime } from '../runtime.js';

export function scrapedGauges(registry: Registry, runtime: Runtime): void {
  const { db, clock } = runtime.engine;
  let dueNow: ReturnType<typeof dueTasks> | undefined;
  const due = () =>
    (dueNow ??= dueTasks(db, new Date(clock.now())).finally(() => {
      dueNow = undefined;
    }));
  new Gauge({
    name: 'forgeflow_queue_depth',
    help: 'Tasks due and not yet claimed, by kind.',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      const { byKind } = await due();
      this.reset();
      for (const [kind, n] of byKind) this.set({ kind }, n);
    },
  });
  new Gauge({
    name: 'forgeflow_claim_lag_seconds',
    help: 'Age of the oldest ready task: how long the oldest due, unclaimed task has waited (0 when none waits).',
    registers: [registry],
    async collect() {
      const oldest = (await due()).oldestDue;
      this.set(oldest ? Math.max(0, (clock.now() - oldest.getTime()) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'forgeflow_worker_slots_busy',
    help: "Slots of this process's workers running an attempt or a status post.",
    registers: [registry],
    collect() {
      this.set(runtime.slots().busy);
    },
  });
  new Gauge({
    name: 'forgeflow_worker_slots',
    help: "Slots of this process's workers in all (their concurrency).",
    registers: [registry],
    collect() {
      this.set(runtime.slots().total);
    },
  });
}
