/** "Did you mean …?" for misspelt keys and names: the closest candidate by edit distance. */

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The candidate nearest to `word`, if it is near enough to be a plausible typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > limit) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (
      distance < bestDistance ||
      (distance === bestDistance && best !== undefined && candidate < best)
    ) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}

/** Names people bring from GitHub Actions, Tekton or Packit, and forgeflow's word for them. */
const KEY_ALIASES: Record<string, string> = {
  interval: 'every',
  period: 'every',
  depends_on: 'needs',
  dependencies: 'needs',
  retries: 'retry',
  attempts: 'maximum_attempts',
  max_retries: 'maximum_attempts',
  condition: 'if',
  when: 'if',
  script: 'shell',
  run: 'shell',
  args: 'command',
  timeout_minutes: 'timeout',
  'timeout-minutes': 'timeout',
  'continue-on-error': 'continue_on_error',
  'fail-fast': 'fail_fast',
  'max-parallel': 'max_parallel',
  strategy: 'matrix',
  inputs: 'with',
  environment: 'env',
};

/** A misspelt or borrowed key's likely meaning among `known`. */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  const alias = KEY_ALIASES[key] ?? KEY_ALIASES[key.toLowerCase()];
  if (alias !== undefined && known.includes(alias)) return alias;
  return closest(key, known);
}

/** Event fields people write after GitHub's payloads: `event.pull_request` means `event.pr`. */
export const FIELD_ALIASES: Record<string, string> = {
  pull_request: 'pr',
  merge_request: 'pr',
  repository: 'repo',
  project: 'repo',
  user: 'sender',
  actor: 'sender',
  head_commit: 'sha',
  after: 'sha',
  commit: 'sha',
  labels: 'pr.labels',
};
