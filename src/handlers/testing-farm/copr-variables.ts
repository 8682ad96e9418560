/**
 * packit-service's PACKIT_* variables of the Copr build a test installs
 * (packit_service/worker/helpers/testing_farm.py `_payload`): the project, the build id, and
 * once the chroot built, its package NVR, build log, SRPM and RPMs (space separated). A
 * variable whose value is unknown is not set; the job's own `env` is laid over them.
 */
import type { TestingFarmRunInput } from '../../compiler/packit/handler-inputs.js';

type Build = NonNullable<TestingFarmRunInput['copr_build']>;

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : null;

export function coprVariables(build: Build | null): Record<string, string> {
  if (build === null) return {};
  const rpms = Array.isArray(build.rpms) ? build.rpms.filter((r) => text(r) !== null) : [];
  const values: [string, string | null][] = [
    [
      'PACKIT_COPR_PROJECT',
      build.owner && build.project ? `${build.owner}/${build.project}` : null,
    ],
    ['PACKIT_COPR_BUILD_ID', Number.isInteger(build.build_id) ? String(build.build_id) : null],
    ['PACKIT_PACKAGE_NVR', text(build.package_nvr)],
    ['PACKIT_BUILD_LOG_URL', text(build.build_log_url)],
    ['PACKIT_SRPM_URL', text(build.srpm_url)],
    ['PACKIT_COPR_RPMS', rpms.length > 0 ? rpms.join(' ') : null],
  ];
  return Object.fromEntries(values.filter((v): v is [string, string] => v[1] !== null));
}
