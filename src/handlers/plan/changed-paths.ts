/**
 * A pull request's `paths` filter needs its changed files, which no forge sends with the
 * event. When the compiled pipeline says it waits for them (the compiler's
 * `needsChangedPaths`), the forge is asked (paged, bounded and kept per head commit:
 * src/forges/changed-files.ts) and the config compiled again with them, so the run's event
 * carries them too (`event.changed_paths`). A list that cannot be known whole leaves the
 * filter unapplied, as GitHub Actions does when it cannot tell, and says why.
 */
import type { CompileResult } from '../../compiler/index.js';
import type { Event } from '../../events/event.js';
import type { ForgeClient, RepoRef } from '../../forges/client.js';

export type PathsOutcome =
  { event: Event; compiled: CompileResult; note: string | null } | { gone: string };

export async function withChangedPaths(
  forge: ForgeClient,
  repo: RepoRef,
  event: Event,
  compiled: CompileResult,
  recompile: (event: Event) => Promise<CompileResult>,
  options: { signal: AbortSignal },
): Promise<PathsOutcome> {
  const note = compiled.status === 'graph' ? (compiled.note ?? null) : null;
  if (compiled.status !== 'graph' || compiled.wantsChangedPaths !== true || !event.pr)
    return { event, compiled, note };
  const pr = event.pr;
  const head = pr.head_sha ?? event.sha;
  if (head === null) return { event, compiled, note };
  const files = await forge.changedFiles(
    repo,
    { number: pr.number, headSha: head, baseSha: pr.base_sha },
    options,
  );
  if (files === null) return { gone: `the forge no longer knows pull request #${pr.number} (404)` };
  if (files.paths === null)
    return { event, compiled, note: `${files.why}, so the paths filter was not applied` };
  const withPaths: Event = { ...event, changed_paths: files.paths };
  return { event: withPaths, compiled: await recompile(withPaths), note: null };
}
