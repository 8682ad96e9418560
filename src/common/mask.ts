/**
 * Masking secret values as `***` (GitHub Actions' behaviour) in whatever an attempt produces:
 * outputs, error messages and details, heartbeat details and log lines. Besides the value
 * itself it masks the forms a program is likely to print it in: JSON-escaped, URL-encoded,
 * base64 (at each of the three alignments inside a longer stream, as GitHub's runner does) and,
 * for a multi-line value, each of its lines.
 */

export const MASK = '***';

/** Shorter derived forms (a line, a base64 run) are not masked: they would match ordinary text. */
const MIN_DERIVED = 6;

export class MaskError extends Error {
  override readonly name = 'MaskError';
}

export class Masker {
  /** Longest first, so a value is masked whole before any of its parts. */
  private readonly needles: readonly string[];

  constructor(values: Iterable<string>) {
    const needles = new Set<string>();
    for (const value of values) {
      if (value === '') continue;
      needles.add(value);
      const derived = [
        JSON.stringify(value).slice(1, -1),
        encodeURIComponent(value),
        ...base64Forms(value),
        ...value.split(/\r?\n/).map((line) => line.trim()),
      ];
      for (const form of derived) if (form.length >= MIN_DERIVED) needles.add(form);
    }
    this.needles = [...needles].sort((a, b) => b.length - a.length);
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  text(text: string): string {
    let masked = text;
    for (const needle of this.needles)
      if (masked.includes(needle)) masked = masked.split(needle).join(MASK);
    return masked;
  }

  /**
   * A JSON copy of `value` with every string and key masked (Errors become {type, message,
   * stack}). Throws MaskError when it cannot be copied (a cycle, nesting too deep): what cannot
   * be masked must not be shown.
   */
  value<T>(value: T): T {
    if (this.empty || value === undefined) return value;
    try {
      const json = JSON.stringify(value, (_key, item: unknown) =>
        item instanceof Error
          ? { type: item.name, message: item.message, stack: item.stack }
          : item,
      );
      if (json === undefined) return value;
      return JSON.parse(json, (_key, item: unknown) => this.item(item)) as T;
    } catch (error) {
      throw new MaskError(`cannot mask: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private item(item: unknown): unknown {
    if (typeof item === 'string') return this.text(item);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const entries = Object.entries(item);
    if (!entries.some(([key]) => this.text(key) !== key)) return item;
    return Object.fromEntries(entries.map(([key, v]) => [this.text(key), v]));
  }
}

/** base64 of the value as it reads inside a longer encoded stream, at offsets 0, 1 and 2. */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Characters that mix in the filler before, or whatever follows, are left out.
    const start = shift === 0 ? 0 : shift === 1 ? 2 : 3;
    const end = Math.floor((shift + bytes.length) / 3) * 4;
    return encoded.slice(start, end);
  });
}
