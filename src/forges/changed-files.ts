/**
 * A pull/merge request's changed files, as the plan step asks for them when a `paths` filter
 * needs them (neither forge sends them with the event). The bounds every client keeps, and
 * how a page of the forge's answer becomes paths: a renamed file counts with its old and new
 * path (as GitHub Actions' `paths` filter sees it). Past a bound the list is incomplete, so
 * the answer is "unknown, because …" and the run starts as GitHub Actions does when it cannot
 * tell; the reason goes into the delivery's record.
 */

/** What a client answers: every changed path, or why the list cannot be known complete. */
export type ChangedFiles = { paths: string[] } | { paths: null; why: string };

/** Which pull/merge request, at which commits (the cache's key; base where the event says). */
export interface PullRequestCommits {
  number: number;
  headSha: string;
  baseSha: string | null;
}

export const CHANGED_FILES_LIMITS = {
  /** Files read at most; GitHub's own API stops listing a pull request's files at 3,000. */
  maxFiles: 3_000,
  /** Both forges allow 100 items a page. */
  perPage: 100,
  /** maxFiles / perPage: a full last page means the list may go on. */
  maxPages: 30,
  /** A longer path is none git hosts make; its list is not trusted to be whole. */
  maxPathChars: 4_096,
  /** One page's answer, diffs included (both forges send each file's patch with its name). */
  maxPageBytes: 20 * 1024 * 1024,
} as const;

/** Why a list is unknown when the pull request has as many files as are read. */
export function tooManyFiles(): string {
  return `the pull request changes ${CHANGED_FILES_LIMITS.maxFiles} files or more (forgeflow reads at most ${CHANGED_FILES_LIMITS.maxFiles})`;
}

/**
 * Collects the paths of one page (its entries, each an object as the forge sends it). Answers
 * why the list cannot be trusted when a path is past the bound, and throws `malformed(what)`
 * for an entry that is not what the forge sends (a retryable bad response).
 */
export function addPaths(
  into: Set<string>,
  entries: readonly unknown[],
  pathsOf: (entry: Record<string, unknown>) => unknown[],
  malformed: (what: string) => Error,
): string | null {
  for (const entry of entries) {
    if (typeof entry !== 'object' || entry === null) throw malformed('a listed file is no object');
    for (const path of pathsOf(entry as Record<string, unknown>)) {
      if (path === undefined || path === null) continue;
      if (typeof path !== 'string' || path === '') throw malformed('a listed file has no path');
      if (path.length > CHANGED_FILES_LIMITS.maxPathChars)
        return `a changed file's path is longer than ${CHANGED_FILES_LIMITS.maxPathChars} characters`;
      into.add(path);
    }
  }
  return null;
}

/**
 * A page's answer as its list of entries; why the list cannot be read when the page is past
 * the size bound; throws `malformed(what)` when it is not a JSON list.
 */
export function pageEntries(
  answer: { text: string; truncated: boolean },
  page: number,
  malformed: (what: string) => Error,
): unknown[] | string {
  if (answer.truncated)
    return `the forge's page ${page} of changed files is larger than ${CHANGED_FILES_LIMITS.maxPageBytes} bytes`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.text);
  } catch {
    throw malformed('answer is not JSON');
  }
  if (!Array.isArray(parsed)) throw malformed('answer is not a list');
  return parsed as unknown[];
}
