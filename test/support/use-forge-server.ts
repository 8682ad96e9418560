/**
 * The real server between a fake GitHub and a fake GitLab, each with the token forgeflow reads
 * and writes with: the set-up of the tests that deliver signed webhooks from both forges.
 * `github` adds to the GitHub settings (an App, say) once the fakes listen.
 */
import { FakeClock } from '../../src/runtime/clock.js';
import { FakeGitHub } from './fake-github.js';
import { FakeGitLab } from './fake-gitlab.js';
import { useServer } from './use-server.js';
import { gitlabFixture } from './webhook-payloads.js';

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

/**
 * GitLab's real merge-request hook (test/fixtures/gitlab), and the fake GitLab seeded to match:
 * its project, `pipeline.yaml` at the head commit, the merge request, and its author a
 * developer. `edit` changes the payload first (a head of its own, a hostile title).
 */
export function gitlabMergeRequest(
  gitlab: FakeGitLab,
  pipeline: string,
  edit: (attributes: Record<string, unknown> & { last_commit: { id: string } }) => void = () =>
    undefined,
) {
  const payload = gitlabFixture('merge_request');
  const project = payload.project as { path_with_namespace: string; id: number };
  const attributes = payload.object_attributes as Record<string, unknown> & {
    iid: number;
    author_id: number;
    source_branch: string;
    last_commit: { id: string };
  };
  edit(attributes);
  const head = attributes.last_commit.id;
  const path = project.path_with_namespace;
  gitlab.addProject(path, { id: project.id });
  gitlab.setFile(path, head, 'pipeline.yaml', pipeline);
  gitlab.addMergeRequest(path, {
    iid: attributes.iid,
    sha: head,
    sourceBranch: attributes.source_branch,
  });
  gitlab.addMember(path, attributes.author_id, 30);
  return { payload, path, head, iid: attributes.iid };
}
