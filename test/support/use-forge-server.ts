/**
 * The real server between a fake GitHub and a fake GitLab, each with the token forgeflow reads
 * and writes with: the set-up of the tests that deliver signed webhooks from both forges.
 * `github` adds to the GitHub settings (an App, say) once the fakes listen.
 */
import { FakeClock } from '../../src/runtime/clock.js';
import { FakeGitHub } from './fake-github.js';
import { FakeGitLab } from './fake-gitlab.js';
import { useServer } from './use-server.js';

type ServerOptions = Parameters<typeof useServer>[0];
type Forges = ReturnType<ServerOptions['settings']>['forges'];

export function useForgeServer(options: {
  githubSecret: string;
  gitlabToken: string;
  github?: (github: FakeGitHub) => Partial<Forges>;
  /** The worker's slots (default 4). */
  concurrency?: number;
}) {
  const clock = new FakeClock(Date.now());
  const github = new FakeGitHub();
  const gitlab = new FakeGitLab();
  const app = useServer({
    clock,
    fakes: [github, gitlab],
    settings: () => {
      github.addToken('gh-token');
      gitlab.addToken('gl-token');
      return {
        forges: {
          githubApiUrl: github.url,
          githubToken: 'gh-token',
          gitlabUrl: gitlab.url,
          gitlabToken: 'gl-token',
          ...options.github?.(github),
        },
        concurrency: options.concurrency ?? 4,
      };
    },
    webhooks: { githubSecret: options.githubSecret, gitlabToken: options.gitlabToken },
  });
  return { app, clock, github, gitlab };
}
