/**
 * A program's output stream cut into lines as it arrives, for its node's live log: bytes are
 * decoded as UTF-8 across chunk boundaries (invalid sequences become U+FFFD), and a line longer
 * than `maxChars` keeps its start and counts the rest, so a 10 MB line without a newline costs
 * `maxChars` of memory, not 10 MB.
 */
export const MAX_SPLIT_LINE_CHARS = 16 * 1024;

export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';
  private cut = 0;

  constructor(
    private readonly emit: (line: string) => void,
    private readonly maxChars = MAX_SPLIT_LINE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    this.take(this.decoder.decode(chunk, { stream: true }));
  }

  /** The stream ended: its last line, even without a newline. */
  finish(): void {
    this.take(this.decoder.decode());
    if (this.partial !== '' || this.cut > 0) this.end();
  }

  private take(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      this.add(newline === -1 ? text.slice(start) : text.slice(start, newline));
      if (newline === -1) return;
      this.end();
      start = newline + 1;
    }
  }

  private add(piece: string): void {
    const room = this.maxChars - this.partial.length;
    if (piece.length <= room) this.partial += piece;
    else {
      this.partial += piece.slice(0, room);
      this.cut += piece.length - room;
    }
  }

  private end(): void {
    const line =
      this.cut > 0 ? `${this.partial} … [${this.cut} more characters cut]` : this.partial;
    this.partial = '';
    this.cut = 0;
    this.emit(line);
  }
}
