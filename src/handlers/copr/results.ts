/**
 * What a chroot that built gives its tests, read when its node sees it succeed: the SRPM's URL
 * (the build's `source_package.url`), the chroot's build log (`builder-live.log` in its results
 * directory, where packit-service links it) and its packages (Copr's built-packages). Testing
 * Farm requests set packit-service's PACKIT_* variables from them (testing-farm/copr-variables.ts).
 */
import type { CoprBuildRef, CoprBuildResults } from '../../compiler/packit/handler-inputs.js';
import type { CoprBuiltPackage, CoprClient } from './client.js';

/** Longest URL taken from Copr's answers. */
const MAX_URL = 2048;

function httpUrl(value: string | null | undefined): string | null {
  if (typeof value !== 'string' || value.length > MAX_URL) return null;
  return /^https?:\/\/[^\s]+$/.test(value) ? value : null;
}

/** Packit's form of a package: `name-[epoch:]version-release.arch`. */
export function nevra(p: CoprBuiltPackage): string {
  return `${p.name}-${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`;
}

export async function builtResults(
  copr: CoprClient,
  ref: CoprBuildRef,
  resultUrl: string | null,
  signal: AbortSignal,
): Promise<CoprBuildResults> {
  const [build, packages] = await Promise.all([
    copr.getBuild(ref.build_id, signal),
    copr.getBuiltPackages(ref.build_id, ref.chroot, signal),
  ]);
  const results = httpUrl(resultUrl);
  // packit-service names the first package it got, whichever it is, and installs all but the SRPM.
  const first = packages[0];
  return {
    srpm_url: httpUrl(build?.source_package.url),
    build_log_url: results === null ? null : `${results.replace(/\/+$/, '')}/builder-live.log`,
    package_nvr: first ? `${first.name}-${first.version}-${first.release}` : null,
    rpms: packages.filter((p) => p.arch !== 'src').map(nevra),
  };
}
