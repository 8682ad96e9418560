/**
 * When a chroot's node builds its chroot again instead of following the job's build: Copr's API
 * has no resubmit, and a run retry (`/forgeflow retry`, a check run's Re-run) of a chroot that
 * failed should rebuild it as packit-service does. The compiler gives each chroot's node the
 * build input of its chroot alone (`rebuild`), the run attempt it runs in, and the run attempt
 * the job's build was submitted in: a build of an earlier attempt that failed in this chroot is
 * one this node already failed on (or would have), so it is built again. A first attempt, and
 * a retry that submitted the job's build anew, follow the job's build.
 */
import type { CoprBuildStatusInput } from '../../compiler/packit/handler-inputs.js';
import { badInput } from './submit.js';

export function rebuildsChroot(input: Partial<CoprBuildStatusInput>): boolean {
  const rebuild = input.rebuild;
  if (rebuild === undefined || rebuild === null) return false;
  const built = rebuild.build_run_attempt;
  if (typeof built !== 'number' || !(rebuild.run_attempt > built)) return false;
  const chroots = rebuild.build.chroots;
  // Never more than its own chroot: another chroot's node rebuilds that one.
  if (chroots.length !== 1 || chroots[0] !== input.chroot)
    throw badInput(
      `copr.build_status rebuilds its own chroot ${JSON.stringify(input.chroot)} only; rebuild.build.chroots is ${JSON.stringify(chroots)}`,
    );
  return true;
}
