/**
 * Offsets to line:col, from the text itself. The `yaml` library's LineCounter is filled in by
 * its lexer, which skips the line breaks inside some error tokens, so its positions can name a
 * line or column the text does not have. Knowing where every line ends also keeps finding a
 * span's end constant-time: searching forward for the next newline on each of half a million
 * errors in one long line was quadratic.
 */
/** A place in a text: 1-based line and column, and how many characters from there. */
export interface Span {
  line: number;
  column: number;
  length: number;
}

export class LineIndex {
  /** The offset each line starts at; line 1 starts at 0. */
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1))
      this.starts.push(at + 1);
  }

  /** 1-based line and column of an offset (clamped into the text). */
  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= at) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: at - this.starts[low]! + 1 };
  }

  /** The offset of the line break ending a 1-based line, or the text's length for the last. */
  lineEnd(line: number): number {
    const next = this.starts[line];
    return next === undefined ? this.text.length : next - 1;
  }
}
