/**
 * Where one chroot of a Copr build is, in packit-service's words (its CoprBuildStartHandler and
 * CoprBuildEndHandler, reference §2.5/§2.7), read from Copr's states: the SRPM build (Copr's
 * `srpm-builds` source chroot) first, which every chroot waits for, then the chroot's own.
 */

/** Chroot states that end a build well: built, forked from another project, built before. */
export const COPR_SUCCEEDED = ['succeeded', 'forked', 'skipped'];
export const COPR_FAILED = ['failed', 'canceled'];
/** A chroot in these states has not started: what it waits for is the SRPM build. */
export const COPR_NOT_STARTED = ['waiting', 'importing', 'pending'];

export const COPR_WORDS = {
  submitted: 'SRPM build in Copr was submitted...',
  srpmRunning: 'SRPM build is in progress...',
  srpmSucceeded: 'SRPM build succeeded. Waiting for RPM build to start...',
  srpmFailed: 'SRPM build failed, check the logs for details.',
  starting: 'Starting RPM build...',
  running: 'RPM build is in progress...',
  succeeded: 'RPMs were built successfully.',
  failed: 'RPMs failed to be built.',
} as const;

export type CoprPhase =
  | { ended: false; description: string }
  | { ended: true; ok: true; description: string }
  | { ended: true; ok: false; srpm: boolean; description: string };

/** `source`: the SRPM build's state, read only when the chroot has not started (else null). */
export function coprPhase(chroot: string, source: string | null): CoprPhase {
  if (COPR_SUCCEEDED.includes(chroot))
    return { ended: true, ok: true, description: COPR_WORDS.succeeded };
  if (COPR_FAILED.includes(chroot))
    return { ended: true, ok: false, srpm: false, description: COPR_WORDS.failed };
  if (chroot === 'running') return { ended: false, description: COPR_WORDS.running };
  if (!COPR_NOT_STARTED.includes(chroot) || source === null)
    return { ended: false, description: COPR_WORDS.starting };
  if (COPR_FAILED.includes(source))
    return { ended: true, ok: false, srpm: true, description: COPR_WORDS.srpmFailed };
  if (COPR_SUCCEEDED.includes(source))
    return { ended: false, description: COPR_WORDS.srpmSucceeded };
  if (source === 'running' || source === 'starting')
    return { ended: false, description: COPR_WORDS.srpmRunning };
  return { ended: false, description: COPR_WORDS.submitted };
}
