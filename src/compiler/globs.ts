/**
 * Branch, tag and path filters with GitHub Actions' glob rules: `*` stays within one path
 * segment, `**` crosses them, and a leading `!` excludes what earlier patterns included (the
 * last matching pattern decides). picomatch does the matching; matchers are cached per pattern.
 */
import picomatch from 'picomatch';

const cache = new Map<string, (input: string) => boolean>();

function matcher(pattern: string): (input: string) => boolean {
  let match = cache.get(pattern);
  if (!match) {
    match = picomatch(pattern, { dot: true });
    cache.set(pattern, match);
  }
  return match;
}

/** Whether `value` is selected by an ordered list of globs with `!` negations. */
export function matchesPatterns(value: string, patterns: readonly string[]): boolean {
  let selected = patterns.length > 0 && patterns.every((p) => p.startsWith('!'));
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matcher(pattern.slice(1))(value)) selected = false;
    } else if (matcher(pattern)(value)) {
      selected = true;
    }
  }
  return selected;
}

export function matchesAny(value: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matcher(p)(value));
}
