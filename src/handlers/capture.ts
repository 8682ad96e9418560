/**
 * Bounded capture of a program's output stream: the first `cap` bytes (never a UTF-8 character
 * cut in half) and the last few KiB, whatever the program writes; every byte also goes, when
 * given, to the line splitter that feeds the node's live log.
 */
import type { LineSplitter } from './line-splitter.js';

const TAIL_BYTES = 4096;

/** Keeps the first `cap` bytes of a stream and its last TAIL_BYTES, never more. */
export class Capture {
  private readonly head: Buffer[] = [];
  private size = 0;
  private tail = Buffer.alloc(0);
  truncated = false;

  constructor(
    private readonly cap: number,
    private readonly lines?: LineSplitter,
  ) {}

  push(chunk: Buffer): void {
    this.lines?.push(chunk);
    const room = this.cap - this.size;
    if (chunk.length > room) this.truncated = true;
    if (room > 0) {
      const kept = chunk.subarray(0, room);
      this.head.push(kept);
      this.size += kept.length;
    }
    this.tail =
      chunk.length >= TAIL_BYTES
        ? Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES))
        : Buffer.concat([this.tail, chunk]).subarray(-TAIL_BYTES);
  }

  text(): string {
    const bytes = Buffer.concat(this.head);
    return (this.truncated ? bytes.subarray(0, completeUtf8Length(bytes)) : bytes).toString('utf8');
  }

  tailText(): string {
    return this.tail.toString('utf8');
  }
}

/** The length of `bytes` without a multi-byte character cut off at its end. */
function completeUtf8Length(bytes: Buffer): number {
  let start = bytes.length - 1;
  while (start >= 0 && bytes.length - start < 4 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
  const lead = bytes[start];
  if (lead === undefined || lead < 0xc0) return bytes.length;
  const width = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return start + width > bytes.length ? start : bytes.length;
}
