/**
 * The settings of a server whose Packit runs talk to the fake GitHub, Copr and Testing Farm of
 * an e2e test (the tokens those fakes were given), for useServer's `settings`.
 */
import type { FakeCopr } from './fake-copr.js';
import type { FakeGitHub } from './fake-github.js';
import type { FakeTestingFarm } from './fake-testing-farm.js';

export const PACKIT_FAKE_TOKENS = {
  github: 'gh-token',
  coprLogin: 'copr-login',
  copr: 'copr-token',
  testingFarm: 'tf-token',
} as const;

export function packitServerSettings(
  github: FakeGitHub,
  copr: FakeCopr,
  testingFarm: FakeTestingFarm,
  coprOwner: string,
) {
  github.addToken(PACKIT_FAKE_TOKENS.github);
  return {
    forges: { githubApiUrl: github.url, githubToken: PACKIT_FAKE_TOKENS.github },
    concurrency: 4,
    // The clock jumps a whole poll interval (30 s, the default lease) while calls and status
    // posts may be in flight: a longer lease keeps a jump from taking their tasks away.
    leaseMs: 3_600_000,
    packit: {
      copr: {
        url: copr.url,
        login: PACKIT_FAKE_TOKENS.coprLogin,
        token: PACKIT_FAKE_TOKENS.copr,
        owner: coprOwner,
      },
      testingFarm: {
        url: testingFarm.url,
        token: PACKIT_FAKE_TOKENS.testingFarm,
        artifactsUrl: testingFarm.artifactsUrl,
      },
    },
  };
}
