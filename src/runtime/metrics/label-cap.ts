/**
 * Bounded label values. Pipeline names, repositories and error types come from users and
 * forges (an attacker can send a thousand repositories, or a handler a thousand error types):
 * each label keeps the first `distinct` values it sees in this process, each cut to `length`
 * characters, and calls every later one OTHER. The series a scrape holds stay bounded whatever
 * arrives; a restart starts the count again.
 */
export const OTHER = 'other';

/** What each capped label keeps (docs/observability.md lists them). */
export const LABEL_CAPS = {
  pipeline: { distinct: 50, length: 64 },
  repository: { distinct: 100, length: 100 },
  handler: { distinct: 50, length: 64 },
  error_type: { distinct: 30, length: 64 },
} as const;

export class LabelCap {
  private readonly seen = new Set<string>();

  constructor(
    readonly distinct: number,
    readonly length: number,
  ) {}

  /** The value as the label shows it: kept, or OTHER once `distinct` others were kept. */
  of(value: string): string {
    // Cut, without leaving half of a surrogate pair at the end.
    const cut =
      value.length > this.length
        ? value.slice(0, this.length).replace(/[\uD800-\uDBFF]$/, '')
        : value;
    if (this.seen.has(cut)) return cut;
    if (this.seen.size >= this.distinct) return OTHER;
    this.seen.add(cut);
    return cut;
  }
}

export type CappedLabel = keyof typeof LABEL_CAPS;

/** One LabelCap per capped label; `caps` overrides the defaults (tests use small ones). */
export function labelCaps(
  caps: Partial<Record<CappedLabel, { distinct: number; length: number }>> = {},
): Record<CappedLabel, LabelCap> {
  const make = (name: CappedLabel) => {
    const { distinct, length } = caps[name] ?? LABEL_CAPS[name];
    return new LabelCap(distinct, length);
  };
  return {
    pipeline: make('pipeline'),
    repository: make('repository'),
    handler: make('handler'),
    error_type: make('error_type'),
  };
}
