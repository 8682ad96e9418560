/**
 * The dist-git that examples/packit.yaml's release jobs propose to, for the tour
 * (scripts/packit-fakes.ts) and its test: package `hello` with the branches the example's
 * `dist_git_branches` name (rawhide's `main` and the latest stable), a `packit` user, and the
 * environment `forgeflow run` reads to reach it and the lookaside cache.
 */
import { DEFAULT_RELEASES } from '../../src/compiler/packit/releases.js';
import { expandTargets } from '../../src/compiler/packit/targets.js';
import type { FakeDistGit } from './fake-dist-git.js';
import type { FakeLookaside } from './fake-lookaside.js';

export const TOUR_USER = 'packit';
export const TOUR_PAGURE_TOKEN = 'tour-pagure-token';

export function seedDistGit(distGit: FakeDistGit): void {
  const { targets } = expandTargets(
    ['fedora-rawhide', 'fedora-latest-stable'],
    'branches',
    DEFAULT_RELEASES,
  );
  const branches = targets.map((target) => target.name);
  distGit.addUser(TOUR_USER, TOUR_PAGURE_TOKEN);
  distGit.addPackage(
    'hello',
    {
      'hello.spec':
        'Name: hello\nVersion: 0.1.0\nRelease: 1%{?dist}\n%changelog\n* Mon Dec 07 2026 Fedora <f@example.org> - 0.1.0-1\n- Initial import\n',
      sources: '',
    },
    branches,
  );
}

export function proposeEnv(distGit: FakeDistGit, lookaside: FakeLookaside): Record<string, string> {
  return {
    FORGEFLOW_DISTGIT_URL: distGit.url,
    FORGEFLOW_DISTGIT_USER: TOUR_USER,
    FORGEFLOW_PAGURE_TOKEN: TOUR_PAGURE_TOKEN,
    FORGEFLOW_LOOKASIDE_URL: lookaside.url,
  };
}
