/**
 * The changed files of a pull request at a head commit do not change: a second event on the
 * same head (a label, a reopen, a redelivery, a retried plan attempt) reads them from here
 * instead of paging through the forge again.
 *
 * In-process and bounded on purpose: it lives in the forge client of one process (a worker's
 * plan step), so another worker may ask the forge once more; that costs API calls, never a
 * wrong answer, because the key names the exact commits. Bounded by entries and by the total
 * characters of the paths held (a hostile pull request may list 3,000 files of 4,096
 * characters each); the least recently used entries go first.
 */
import type { ChangedFiles, PullRequestCommits } from './changed-files.js';

const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

export const CHANGED_FILES_CACHE = {
  maxEntries: 500,
  /** About 32 MB of UTF-16 at most. */
  maxChars: 16_000_000,
} as const;

export class ChangedFilesCache {
  private readonly entries = new Map<string, { value: ChangedFiles; chars: number }>();
  private chars = 0;

  constructor(
    private readonly limits: { maxEntries: number; maxChars: number } = CHANGED_FILES_CACHE,
  ) {}

  get(key: string): ChangedFiles | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting marks it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: ChangedFiles): void {
    const chars = key.length + (value.paths === null ? value.why.length : sumLengths(value.paths));
    if (chars > this.limits.maxChars) return;
    this.remove(key);
    this.entries.set(key, { value, chars });
    this.chars += chars;
    while (this.entries.size > this.limits.maxEntries || this.chars > this.limits.maxChars) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.chars -= entry.chars;
  }
}

/** The exact commits a list is about: the forge, the repository, the pull request, head and base. */
export function changedFilesKey(
  forge: string,
  repo: { full_name: string; id: number | null },
  pr: PullRequestCommits,
): string {
  const name = repo.full_name.toLowerCase();
  // The base comes from the payload unchecked: only a sha is part of the key (bounded, exact).
  const base = pr.baseSha !== null && COMMIT_SHA.test(pr.baseSha) ? pr.baseSha : '';
  return `${forge}\u0000${repo.id ?? ''}\u0000${name}\u0000${pr.number}\u0000${pr.headSha}\u0000${base}`;
}

function sumLengths(paths: readonly string[]): number {
  let total = 0;
  for (const path of paths) total += path.length;
  return total;
}
