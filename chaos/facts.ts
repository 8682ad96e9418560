/**
 * What the database says once the chaos is over, read in a few set-based queries (the checker,
 * checks.ts, is pure over these). The chaos suite reads the runtime's tables directly, as the
 * runtime tests do: it is checking them.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../src/db/db.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { foldedAndStored } from '../test/support/folded-state.js';

export interface RunFact {
  id: string;
  status: string;
  history_length: number;
  /** Error types of its failed nodes. */
  failed_nodes: string[];
}

export interface AttemptFact {
  run_id: string;
  node_id: string;
  attempt: number;
  status: string;
  worker: string;
  started_at: Date;
  /** When it ended: for an attempt lost with its worker, when another worker noticed. */
  finished_at: Date | null;
  error_type: string | null;
}

export interface EventFact {
  run_id: string;
  seq: number;
  type: string;
  node_id: string | null;
  attempt: number | null;
  at: Date;
  /** NodeScheduled and NodeRetryScheduled: when the (next) attempt is due. */
  due_at: string | null;
}

export interface Facts {
  runs: RunFact[];
  attempts: AttemptFact[];
  events: EventFact[];
  /** Runs whose history does not fold to their stored state. */
  unfolded: string[];
}

export async function readFacts(
  db: Db,
  runtime: Runtime,
  runIds: readonly string[],
): Promise<Facts> {
  const ids = [...runIds];
  const { rows: runs } = await db.query<RunFact>(
    `SELECT r.id, r.status, r.history_length,
       coalesce(array_agg(n.error->>'type') FILTER (WHERE n.status = 'failed'), '{}') AS failed_nodes
     FROM forgeflow.runs r LEFT JOIN forgeflow.nodes n ON n.run_id = r.id
     WHERE r.id = ANY($1::uuid[]) GROUP BY r.id`,
    [ids],
  );
  const { rows: attempts } = await db.query<AttemptFact>(
    `SELECT run_id, node_id, attempt, status, worker, started_at, finished_at, error->>'type' AS error_type
     FROM forgeflow.attempts WHERE run_id = ANY($1::uuid[])`,
    [ids],
  );
  const { rows: events } = await db.query<EventFact>(
    `SELECT run_id, seq, type, node_id, attempt, at, data->>'due_at' AS due_at FROM forgeflow.history
     WHERE run_id = ANY($1::uuid[]) ORDER BY run_id, seq`,
    [ids],
  );
  const unfolded: string[] = [];
  for (const { id } of runs) {
    const { rebuilt, stored } = await foldedAndStored(runtime, id);
    if (!isDeepStrictEqual(rebuilt, stored)) unfolded.push(id);
  }
  return { runs, attempts, events, unfolded };
}
