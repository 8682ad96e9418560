/**
 * "Did you mean …?" for the command line: a misspelt command, subcommand or flag gets the
 * nearest one it could have meant. Flags are short, so two edits (`--state` for `--status`) or
 * a prefix (`--conc` for `--concurrency`) still count as near.
 */
import { editDistance } from '../compiler/suggest.js';

export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance =
      word.length >= 3 && candidate.startsWith(word) ? 1 : editDistance(word, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
}

/** The `--flags` a usage or help text names, each once. */
export function flagsIn(text: string): string[] {
  return [...new Set(text.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/** `; did you mean "x"?`, or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = nearest(word, candidates);
  return near === undefined ? '' : `; did you mean "${near}"?`;
}

/** The option node:util's parseArgs could not place (`Unknown option '--state'`), if any. */
export function unknownOption(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  return /Unknown option '(--?[^']+)'/.exec(error.message)?.[1];
}
