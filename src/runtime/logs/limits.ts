/**
 * The bounds of a node's log. The per-node size is the operator's (RuntimeSettings.maxNodeLogBytes,
 * FORGEFLOW_LOG_LIMIT); the rest are fixed so that a chunk always fits many times in it.
 */

/** A node's log keeps its newest 1 MiB of text by default; older chunks are dropped. */
export const DEFAULT_NODE_LOG_BYTES = 1024 * 1024;
/** The smallest limit an operator may set: four full chunks. */
export const MIN_NODE_LOG_BYTES = 256 * 1024;

/** A line longer than this (after masking) is cut, with a marker saying how much went. */
export const MAX_LINE_CHARS = 8 * 1024;

/** A writer flushes this long after its first unwritten line… */
export const FLUSH_EVERY_MS = 250;
/** …or at once when this much text is waiting (a chunk is at most this plus one line). */
export const FLUSH_BYTES = 48 * 1024;
/** Lines per chunk at most, so a reader finds a line's chunk by an index range. */
export const MAX_CHUNK_LINES = 1000;
