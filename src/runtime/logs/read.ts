/** Reading a node's log back (the API, the CLI through it, the page): numbered lines, in order. */
import type { Queryable } from '../../db/db.js';
import type { LogLine } from '../../contracts/node-log.js';
import { FINAL_NODE_STATES, type NodeStatus } from '../states.js';
import { MAX_CHUNK_LINES } from './limits.js';
import { STREAMS_BY_CODE, type StoredLine } from './store.js';

export interface LogPage {
  lines: LogLine[];
  /** True when lines after the last one given are already stored. */
  more: boolean;
}

export interface LogTotals {
  /** The number the next line will get, less one: how many were ever written. */
  written: number;
  keptBytes: number;
  droppedLines: number;
  droppedBytes: number;
}

/** Chunks read per page at most (each at most FLUSH_BYTES): bounds a page's size. */
const CHUNKS_PER_PAGE = 16;

/** Lines numbered after `after`, of one attempt when given, at most `limit`. */
export async function readLog(
  q: Queryable,
  runId: string,
  nodeId: string,
  options: { after: number; limit: number; attempt?: number },
): Promise<LogPage> {
  const { rows } = await q.query<{
    first_line: number;
    attempt: number;
    lines: StoredLine[];
  }>(
    // A chunk holds at most MAX_CHUNK_LINES lines: the one holding line `after`+1 starts no
    // earlier than that many lines before it, so the primary key's range finds it.
    `SELECT first_line, attempt, lines FROM forgeflow.node_logs
     WHERE run_id = $1 AND node_id = $2 AND first_line > $3::bigint - ${MAX_CHUNK_LINES}
       AND first_line + line_count > $3::bigint AND ($4::int IS NULL OR attempt = $4::int)
     ORDER BY first_line LIMIT ${CHUNKS_PER_PAGE + 1}`,
    [runId, nodeId, options.after, options.attempt ?? null],
  );
  const lines: LogLine[] = [];
  let more = rows.length > CHUNKS_PER_PAGE;
  for (const row of rows.slice(0, CHUNKS_PER_PAGE)) {
    row.lines.forEach(([at, code, text], i) => {
      const n = row.first_line + i;
      if (n <= options.after) return;
      lines.push({
        n,
        attempt: row.attempt,
        stream: STREAMS_BY_CODE[code] ?? 'system',
        at: new Date(at).toISOString(),
        text,
      });
    });
  }
  if (lines.length > options.limit) {
    lines.length = options.limit;
    more = true;
  }
  return { lines, more };
}

export async function logTotals(q: Queryable, runId: string, nodeId: string): Promise<LogTotals> {
  const { rows } = await q.query<{
    next_line: number;
    kept_bytes: number;
    dropped_lines: number;
    dropped_bytes: number;
  }>(
    `SELECT next_line, kept_bytes, dropped_lines, dropped_bytes FROM forgeflow.node_log_totals
     WHERE run_id = $1 AND node_id = $2`,
    [runId, nodeId],
  );
  const row = rows[0];
  return {
    written: row ? row.next_line - 1 : 0,
    keptBytes: row?.kept_bytes ?? 0,
    droppedLines: row?.dropped_lines ?? 0,
    droppedBytes: row?.dropped_bytes ?? 0,
  };
}

/** The node's state, or undefined when the run has no such node. */
export async function nodeState(
  q: Queryable,
  runId: string,
  nodeId: string,
): Promise<{ status: NodeStatus; finished: boolean } | undefined> {
  const { rows } = await q.query<{ status: NodeStatus }>(
    'SELECT status FROM forgeflow.nodes WHERE run_id = $1 AND node_id = $2',
    [runId, nodeId],
  );
  const status = rows[0]?.status;
  return status === undefined
    ? undefined
    : { status, finished: FINAL_NODE_STATES.includes(status) };
}

/** The run's node ids, in the order the graph lists them (a CLI's "all nodes"). */
export async function loggedNodes(q: Queryable, runId: string): Promise<string[]> {
  const { rows } = await q.query<{ node_id: string }>(
    'SELECT node_id FROM forgeflow.node_log_totals WHERE run_id = $1 ORDER BY node_id',
    [runId],
  );
  return rows.map((r) => r.node_id);
}
