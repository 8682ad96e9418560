/**
 * A node's log in Postgres (migration 0010): appending a chunk is ONE statement (numbering its
 * lines on the node's totals row, inserting the chunk and waking followers on forgeflow_logs),
 * and only a log past its limit costs a second one that drops its oldest chunks.
 */
import type { Queryable } from '../../db/db.js';
import type { LogStream } from '../../contracts/node-log.js';

/** A chunk's line as stored: [at_ms, stream code, text]. */
export type StoredLine = [number, StreamCode, string];
export type StreamCode = 'o' | 'e' | 's';

export const STREAM_CODES: Record<LogStream, StreamCode> = {
  stdout: 'o',
  stderr: 'e',
  system: 's',
};
export const STREAMS_BY_CODE: Record<StreamCode, LogStream> = {
  o: 'stdout',
  e: 'stderr',
  s: 'system',
};

/** The channel a follower listens on; the payload is the run's id. */
export const LOG_CHANNEL = 'forgeflow_logs';

export interface Chunk {
  runId: string;
  nodeId: string;
  attempt: number;
  lines: readonly StoredLine[];
  bytes: number;
  /** Lines the writer dropped before they were stored (they are numbered, before these). */
  droppedLines: number;
  droppedBytes: number;
}

const APPEND = `
WITH totals AS (
  INSERT INTO forgeflow.node_log_totals AS t
    (run_id, node_id, next_line, kept_bytes, dropped_lines, dropped_bytes)
  VALUES ($1, $2, 1 + $4::bigint + $5::bigint, $6::bigint, $5::bigint, $7::bigint)
  ON CONFLICT (run_id, node_id) DO UPDATE SET
    next_line = t.next_line + $4::bigint + $5::bigint,
    kept_bytes = t.kept_bytes + $6::bigint,
    dropped_lines = t.dropped_lines + $5::bigint,
    dropped_bytes = t.dropped_bytes + $7::bigint
  RETURNING next_line, kept_bytes
), chunk AS (
  INSERT INTO forgeflow.node_logs (run_id, node_id, first_line, line_count, attempt, bytes, lines)
  SELECT $1, $2, next_line - $4::bigint, $4::int, $3::int, $6::int, $8::jsonb
  FROM totals WHERE $4::int > 0
)
SELECT kept_bytes, pg_notify('${LOG_CHANNEL}', $1::text) AS notified FROM totals`;

/** Appends a chunk; resolves with the bytes the node's log now keeps. */
export async function appendChunk(q: Queryable, chunk: Chunk): Promise<number> {
  const { rows } = await q.query<{ kept_bytes: number }>(APPEND, [
    chunk.runId,
    chunk.nodeId,
    chunk.attempt,
    chunk.lines.length,
    chunk.droppedLines,
    chunk.bytes,
    chunk.droppedBytes,
    JSON.stringify(chunk.lines),
  ]);
  return rows[0]?.kept_bytes ?? 0;
}

// The newest chunks whose sizes add up to at most $3 stay; the older ones go, and the totals
// row counts them as dropped. Two writers trimming at once delete each chunk once (the second
// finds it gone), so each is counted once.
const TRIM = `
WITH ranked AS (
  SELECT first_line, sum(bytes) OVER (ORDER BY first_line DESC) AS from_newest
  FROM forgeflow.node_logs WHERE run_id = $1 AND node_id = $2
), gone AS (
  DELETE FROM forgeflow.node_logs l USING ranked r
  WHERE l.run_id = $1 AND l.node_id = $2 AND l.first_line = r.first_line
    AND r.from_newest > $3::bigint
  RETURNING l.bytes, l.line_count
)
UPDATE forgeflow.node_log_totals SET
  kept_bytes = kept_bytes - (SELECT coalesce(sum(bytes), 0) FROM gone),
  dropped_lines = dropped_lines + (SELECT coalesce(sum(line_count), 0) FROM gone),
  dropped_bytes = dropped_bytes + (SELECT coalesce(sum(bytes), 0) FROM gone)
WHERE run_id = $1 AND node_id = $2`;

/** Drops the node's oldest chunks until what it keeps fits in `limitBytes`. */
export async function trimLog(
  q: Queryable,
  runId: string,
  nodeId: string,
  limitBytes: number,
): Promise<void> {
  await q.query(TRIM, [runId, nodeId, limitBytes]);
}
