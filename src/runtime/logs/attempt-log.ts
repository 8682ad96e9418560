/**
 * The log one attempt writes (HandlerContext.log): lines are masked and made storable at once,
 * buffered, and written in chunks — FLUSH_EVERY_MS after the first unwritten line, at once when
 * FLUSH_BYTES wait, and at close(), which the attempt awaits before its completion is applied.
 * An attempt that logs nothing costs nothing: no timer, no statement. Memory is bounded: while
 * a write is slow, the buffer keeps the newest `limitBytes` and counts what it dropped, which
 * the next chunk records (the tail is what matters).
 */
import { Buffer } from 'node:buffer';
import type { LogStream, NodeLog } from '../../contracts/node-log.js';
import type { HandlerLogger } from '../../handlers/types.js';
import type { Engine } from '../engine.js';
import { FLUSH_BYTES, FLUSH_EVERY_MS, MAX_CHUNK_LINES } from './limits.js';
import { storableLine } from './line-text.js';
import { appendChunk, STREAM_CODES, trimLog, type StoredLine } from './store.js';

interface Pending {
  line: StoredLine;
  bytes: number;
}

export class AttemptLog implements NodeLog {
  private buffer: Pending[] = [];
  private bufferBytes = 0;
  private droppedLines = 0;
  private droppedBytes = 0;
  private timer: AbortController | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;
  private mask: (text: string) => string = (text) => text;

  constructor(
    private readonly engine: Pick<Engine, 'db' | 'clock' | 'settings'>,
    private readonly logger: HandlerLogger,
    private readonly where: { runId: string; nodeId: string; attempt: number },
  ) {}

  /** Secrets to mask from now on (known once the attempt's secrets are opened). */
  maskWith(mask: (text: string) => string): void {
    this.mask = mask;
  }

  line(stream: LogStream, text: string): void {
    if (this.closed) return;
    const code = STREAM_CODES[stream] ?? 's';
    const at = this.engine.clock.now();
    // A handler's text may hold several lines; a masked secret is whole within each.
    for (const part of String(text).split('\n')) {
      const line = storableLine(this.mask(part));
      this.push({ line: [at, code, line], bytes: Buffer.byteLength(line) + 1 });
    }
    if (this.bufferBytes >= FLUSH_BYTES || this.buffer.length >= MAX_CHUNK_LINES) this.flush();
    else this.armTimer();
  }

  /** Writes what is buffered and stops; lines written after are ignored. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.abort();
    this.timer = undefined;
    this.flush();
    await this.writing;
  }

  private push(pending: Pending): void {
    this.buffer.push(pending);
    this.bufferBytes += pending.bytes;
    const limit = this.engine.settings.maxNodeLogBytes;
    while (this.bufferBytes > limit && this.buffer.length > 1) {
      const oldest = this.buffer.shift()!;
      this.bufferBytes -= oldest.bytes;
      this.droppedLines++;
      this.droppedBytes += oldest.bytes;
    }
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.writing !== undefined) return;
    const timer = (this.timer = new AbortController());
    void this.engine.clock.sleep(FLUSH_EVERY_MS, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      this.timer = undefined;
      this.flush();
    });
  }

  /** Starts writing unless a write is under way (which writes what it finds buffered). */
  private flush(): void {
    this.timer?.abort();
    this.timer = undefined;
    if (this.writing !== undefined || (this.buffer.length === 0 && this.droppedLines === 0)) return;
    this.writing = this.writeAll().finally(() => {
      this.writing = undefined;
      // Lines that came during the last write wait for the timer like any others.
      if (this.buffer.length > 0 && !this.closed) this.armTimer();
    });
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length > 0 || this.droppedLines > 0) {
      const batch = this.takeBatch();
      const dropped = { lines: this.droppedLines, bytes: this.droppedBytes };
      this.droppedLines = this.droppedBytes = 0;
      const bytes = batch.reduce((sum, p) => sum + p.bytes, 0);
      try {
        const kept = await appendChunk(this.engine.db, {
          ...this.where,
          lines: batch.map((p) => p.line),
          bytes,
          droppedLines: dropped.lines,
          droppedBytes: dropped.bytes,
        });
        const limit = this.engine.settings.maxNodeLogBytes;
        if (kept > limit) await trimLog(this.engine.db, this.where.runId, this.where.nodeId, limit);
      } catch (error) {
        // A log is not worth failing the step for: the lines are counted as dropped.
        this.droppedLines += dropped.lines + batch.length;
        this.droppedBytes += dropped.bytes + bytes;
        this.logger.warn(
          { err: error, run: this.where.runId, node: this.where.nodeId },
          'log lines not stored',
        );
        if (this.closed) return;
        break;
      }
      // While the attempt runs, the rest waits for the next flush unless it is a chunk already.
      if (!this.closed && this.bufferBytes < FLUSH_BYTES && this.buffer.length < MAX_CHUNK_LINES)
        break;
    }
  }

  private takeBatch(): Pending[] {
    let bytes = 0;
    let count = 0;
    while (count < this.buffer.length && count < MAX_CHUNK_LINES && bytes < FLUSH_BYTES)
      bytes += this.buffer[count++]!.bytes;
    this.bufferBytes -= bytes;
    return this.buffer.splice(0, count);
  }
}
