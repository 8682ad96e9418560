/**
 * Firing schedules, in every `serve` and `worker` process at once. A firer claims due rows
 * (SKIP LOCKED, under a lease), and for each starts a plan run as a webhook delivery does (the
 * plan reads the default branch's head config at fire time). The row's next due time moves in
 * the very transaction that creates the plan run (the start's `alongside`), fenced on the due
 * time the firer read: if another firer moved it first, the start rolls back. So a due time
 * fires once whatever crashes or races, and the idempotency key `schedule:<id>:<due>` says so
 * twice. After downtime a schedule fires once, for the latest due time that passed, and its
 * event says how many were missed since when. State is only in Postgres: a restarted process
 * carries on where the table says.
 */
import type { Db } from '../../db/db.js';
import { scheduleEvent } from '../../events/schedule-event.js';
import { planGraph } from '../../handlers/plan/plan-graph.js';
import type { Clock } from '../../runtime/clock.js';
import type { Runtime } from '../../runtime/runtime.js';
import { recordDelivery } from '../deliveries.js';
import { catchUp } from './due-times.js';
import { advance, claimDue, earliestDue, type ScheduleRow } from './store.js';

export interface FirerOptions {
  db: Db;
  runtime: Runtime;
  clock: Clock;
  log?: { warn(obj: object, msg: string): void };
  /** How long a claim holds before another firer may take the row (default 60 s). */
  leaseMs?: number;
  /** The longest sleep between looks at the table (default 30 s): new schedules are seen by then. */
  maxSleepMs?: number;
  /** Rows claimed at once (default 20). */
  batch?: number;
}

/** The start was rolled back because the row had moved on: someone else fired this due time. */
class AlreadyFired extends Error {}

export interface Firing {
  scheduleId: string;
  dueAt: string;
  missed: number;
  planRunId: string;
  /** False when the run existed already (its key was used), so nothing new started. */
  created: boolean;
}

export class ScheduleFirer {
  private looping: { abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly options: FirerOptions) {}

  /** Starts the firing loop in the background (`serve`, `worker`). */
  start(): void {
    if (this.looping) return;
    const abort = new AbortController();
    this.looping = { abort, done: this.run(abort.signal) };
  }

  /** Stops the loop; a firing under way finishes (it is one short transaction). */
  async stop(): Promise<void> {
    const looping = this.looping;
    this.looping = undefined;
    looping?.abort.abort();
    await looping?.done;
  }

  /** Fires every schedule due by now; returns what it started. */
  async fireDue(): Promise<Firing[]> {
    const { db, clock } = this.options;
    const rows = await claimDue(
      db,
      new Date(clock.now()),
      this.options.leaseMs ?? 60_000,
      this.options.batch ?? 20,
    );
    const fired: Firing[] = [];
    for (const row of rows) {
      try {
        const firing = await this.fire(row);
        if (firing) fired.push(firing);
      } catch (error) {
        // The claim lapses and the row is tried again: the fence keeps that to one firing.
        this.options.log?.warn({ schedule: row.id, err: error }, 'schedule firing failed');
      }
    }
    return fired;
  }

  /** Fires one claimed row; undefined when another firer had fired it. */
  async fire(row: ScheduleRow): Promise<Firing | undefined> {
    const { db, runtime, clock } = this.options;
    const now = new Date(clock.now());
    const { latest, missed, next } = catchUp(row, row.next_due, now);
    const dueAt = latest.toISOString();
    const key = `schedule:${row.id}:${dueAt}`;
    // A delivery id as the API reads them (`<forge>:…`): GET /api/v1/deliveries/{id} tells what it started.
    const id = `${row.forge}:${key}`;
    const event = scheduleEvent({
      forge: row.forge,
      repo: row.repository,
      installationId: row.installation_id,
      firing: {
        cron: row.cron,
        timezone: row.timezone,
        path: row.path,
        due_at: dueAt,
        missed,
        missed_since: missed > 0 ? row.next_due.toISOString() : null,
      },
    });
    const fence = { id: row.id, due: row.next_due, latest, missed, next };
    try {
      const started = await runtime.start(planGraph(event, id, 'schedule'), event, {
        idempotencyKey: key,
        alongside: async (q, runId) => {
          if (!(await advance(q, { ...fence, runId }, now))) throw new AlreadyFired();
          await recordDelivery(
            q,
            {
              id,
              forge: row.forge,
              event: 'schedule',
              normalized: event,
              outcome: 'planning',
              planRunId: runId,
            },
            now,
          );
        },
      });
      // The key's run existed (its transaction had moved the row): move it on if it is not yet.
      if (!started.created) await advance(db, { ...fence, runId: started.runId }, now);
      return {
        scheduleId: row.id,
        dueAt,
        missed,
        planRunId: started.runId,
        created: started.created,
      };
    } catch (error) {
      if (error instanceof AlreadyFired) return undefined;
      throw error;
    }
  }

  /** Fires due schedules until `signal` aborts, sleeping until the next due time (bounded). */
  async run(signal: AbortSignal): Promise<void> {
    const { db, clock } = this.options;
    const maxSleep = this.options.maxSleepMs ?? 30_000;
    while (!signal.aborted) {
      let wait = maxSleep;
      try {
        await this.fireDue();
        const due = await earliestDue(db);
        if (due !== null) wait = Math.min(maxSleep, Math.max(0, due.getTime() - clock.now()));
      } catch (error) {
        if (signal.aborted) return;
        this.options.log?.warn({ err: error }, 'schedule firer: the database did not answer');
      }
      await clock.sleep(Math.max(wait, 10), signal);
    }
  }
}
