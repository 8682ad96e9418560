/**
 * Which build a test runs on. packit-service ties a tests job to the copr_build job with the
 * same trigger (and package); when a config has several, a chroot's successful build starts
 * every test job whose targets include that chroot. forgeflow makes that edge explicit, one
 * build per test target: among the copr_build jobs of the same trigger and package, the one
 * with the test's identifier first, then the others in file order; the first that builds the
 * target is the one. A tests job without `targets` takes the targets of the first of them.
 */
import type { JobView } from './types.js';

export function candidateBuilds(test: JobView, all: readonly JobView[]): JobView[] {
  const builds = all.filter(
    (v) => v.type === 'copr_build' && v.trigger === test.trigger && v.package === test.package,
  );
  return [
    ...builds.filter((b) => b.identifier === test.identifier),
    ...builds.filter((b) => b.identifier !== test.identifier),
  ];
}

export function buildFor(
  target: string,
  candidates: readonly JobView[],
  targetsOf: (view: JobView) => readonly string[],
): JobView | undefined {
  return candidates.find((build) => targetsOf(build).includes(target));
}
