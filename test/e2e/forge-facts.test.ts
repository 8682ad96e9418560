/**
 * Issue 17 items 1 and 3, end to end through `serve` with signed real payloads and the fake
 * forges answering with the real API's shapes:
 *
 * 1. A release names its tag, not its commit: the plan step asks the forge which commit the
 *    tag points at (an annotated tag peeled), reads the config there and puts the commit on the
 *    run's event, so `report:` statuses and `forge.status` land on the tagged commit.
 * 3. A pull request's `paths:` filter is applied: the plan step reads the changed files from
 *    the forge (only because the filter needs them), once per head commit.
 *
 * Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { gitlabMergeRequest, useForgeServer } from '../support/use-forge-server.js';
import { randomSha as sha } from '../support/use-server.js';
import {
  githubExample,
  githubHeaders,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';

const RELEASE_PIPELINE = `version: 1
name: release
on:
  release: { types: [published] }
jobs:
  publish:
    uses: forge.status
    with: { state: success, context: ci/published, description: "\${{ event.tag }}" }
    report: ci/release
`;

const PATHS_PIPELINE = `version: 1
name: docs
on:
  pull_request: { types: [opened, synchronize], paths: ['docs/**'] }
jobs:
  docs:
    uses: forge.status
    with: { state: success, context: ci/docs-seen, description: "\${{ join(event.changed_paths) }}" }
    report: ci/docs
`;

const { app, github, gitlab } = useForgeServer({ githubSecret: SECRET, gitlabToken: TOKEN });

/** Waits until `done` holds, a worker going idle at a time (statuses post after the run). */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await app.runtime.events.next('worker:idle');
}

async function deliverGitHub(event: string, payload: Record<string, unknown>, id: string) {
  const body = JSON.stringify(payload);
  const response = await app.post('/webhooks/github', body, githubHeaders(event, body, SECRET, id));
  expect(response.status).toBe(202);
  return app.planned(`github:${id}`);
}

async function deliverGitLab(payload: Record<string, unknown>, id: string) {
  const body = JSON.stringify(payload);
  const response = await app.post('/webhooks/gitlab', body, gitlabHeaders(payload, TOKEN, id));
  expect(response.status).toBe(202);
  return app.planned(`gitlab:${id}`);
}

describe('a release reports on its tag’s commit', () => {
  it('GitHub: release published on an annotated tag; statuses land on the peeled commit', async () => {
    const commit = sha();
    const tagObject = sha();
    github.setFile(REPO, commit, 'pipeline.yaml', RELEASE_PIPELINE);
    github.setTag(REPO, 'v1.2.3', commit, { annotated: tagObject });
    const payload = githubExample('release', 'published');
    (payload.release as Record<string, unknown>).tag_name = 'v1.2.3';
    const delivery = await deliverGitHub('release', payload, 'gh-release');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: 'pipeline.yaml' });
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    // Read at the commit, not at the tag name.
    expect(github.requestsTo('GET', `/contents/pipeline.yaml?ref=${commit}`)).toHaveLength(1);
    expect(github.requestsTo('GET', '/commits/tags/v1.2.3')).toHaveLength(1);
    const of = (context: string) =>
      github.statuses(REPO, commit).filter((s) => s.context === context);
    await until(() => of('ci/release').at(-1)?.state === 'success');
    expect(of('ci/published')).toMatchObject([{ state: 'success', description: 'v1.2.3' }]);
    expect(of('ci/release').map((s) => s.state)).toEqual(['pending', 'pending', 'success']);
    expect(github.statuses(REPO, tagObject)).toEqual([]);
  });

  it("GitHub: an annotated tag's push reports on head_commit, not on the tag object in after", async () => {
    const commit = sha();
    const tagObject = sha();
    github.setFile(
      REPO,
      commit,
      'pipeline.yaml',
      RELEASE_PIPELINE.replace('release: { types: [published] }', "push: { tags: ['v*'] }"),
    );
    const payload = githubExample('push');
    expect(payload.ref).toBe('refs/tags/simple-tag');
    Object.assign(payload, { ref: 'refs/tags/v3.0.0', after: tagObject });
    (payload.head_commit as Record<string, unknown>).id = commit;
    const delivery = await deliverGitHub('push', payload, 'gh-tag-push');
    expect(delivery.outcome).toBe('started');
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    await until(() => github.latestStatus(REPO, commit, 'ci/release')?.state === 'success');
    expect(github.latestStatus(REPO, commit, 'ci/published')?.description).toBe('v3.0.0');
    expect(github.statuses(REPO, tagObject)).toEqual([]);
  });

  it('GitHub: a release whose tag is gone says so plainly and starts nothing', async () => {
    const payload = githubExample('release', 'published');
    (payload.release as Record<string, unknown>).tag_name = 'v9.9.9-deleted';
    const delivery = await deliverGitHub('release', payload, 'gh-release-gone');
    expect(delivery).toMatchObject({
      outcome: 'no_config',
      reason:
        'the forge has no tag "v9.9.9-deleted" (deleted since?): no commit to read the config at or to report on',
      run_ids: [],
    });
  });

  it('GitLab: a release hook without its commit asks the tags API; statuses land on the commit', async () => {
    const payload = gitlabFixture('release');
    delete payload.commit;
    payload.tag = 'v2.0.0';
    const project = payload.project as { id: number; path_with_namespace: string };
    const path = project.path_with_namespace;
    const commit = sha();
    gitlab.addProject(path, { id: project.id });
    gitlab.setFile(path, commit, 'pipeline.yaml', RELEASE_PIPELINE);
    gitlab.setTag(path, 'v2.0.0', commit, { annotated: sha() });
    const delivery = await deliverGitLab(payload, 'gl-release');
    expect(delivery.outcome).toBe('started');
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    expect(
      gitlab.requestsTo('GET', `/projects/${project.id}/repository/tags/v2%2E0%2E0`),
    ).toHaveLength(1);
    const of = (name: string) => gitlab.statuses(path, commit).filter((s) => s.name === name);
    await until(() => of('ci/release').at(-1)?.status === 'success');
    expect(of('ci/published')).toMatchObject([{ status: 'success', description: 'v2.0.0' }]);
  });
});

/** pull_request.opened by the repository's owner on `number`, whose head changes `files`. */
function githubPullRequest(number: number, files: string[]) {
  const head = sha();
  github.setFile(REPO, head, 'pipeline.yaml', PATHS_PIPELINE);
  github.addPullRequest(REPO, { number, headSha: head, headRef: `p-${number}` });
  github.setPullFiles(REPO, number, files);
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  pr.number = number;
  (pr.head as Record<string, unknown>).sha = head;
  pr.author_association = 'OWNER';
  return { payload, head };
}

describe('a pull request’s paths filter reads the changed files from the forge', () => {
  it('GitHub: a pull request touching only src/ does not start a docs/** pipeline', async () => {
    const { payload } = githubPullRequest(51, ['src/a.ts', 'src/b.ts']);
    const delivery = await deliverGitHub('pull_request', payload, 'gh-paths-src');
    expect(delivery).toMatchObject({
      outcome: 'not_triggered',
      reason: 'pull_request: no changed file matches docs/**',
    });
    expect(github.requestsTo('GET', '/pulls/51/files')).toHaveLength(1);
  });

  it('GitHub: one touching docs/ starts it, its event carrying the files; a second event on the same head asks nothing', async () => {
    const { payload, head } = githubPullRequest(52, ['docs/guide.md', 'src/a.ts']);
    const delivery = await deliverGitHub('pull_request', payload, 'gh-paths-docs');
    expect(delivery).toMatchObject({ outcome: 'started', reason: null });
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    expect(github.latestStatus(REPO, head, 'ci/docs-seen')?.description).toBe(
      'docs/guide.md,src/a.ts',
    );
    const again = await deliverGitHub('pull_request', payload, 'gh-paths-docs-again');
    expect(again.outcome).toBe('started');
    expect(github.requestsTo('GET', '/pulls/52/files')).toHaveLength(1);
  });

  it('GitHub: a pipeline without a paths filter costs no files request', async () => {
    const { payload, head } = githubPullRequest(53, ['src/a.ts']);
    github.setFile(REPO, head, 'pipeline.yaml', PATHS_PIPELINE.replace(", paths: ['docs/**']", ''));
    const delivery = await deliverGitHub('pull_request', payload, 'gh-no-paths');
    expect(delivery.outcome).toBe('started');
    expect(github.requestsTo('GET', '/pulls/53/files')).toHaveLength(0);
  });

  it('GitHub: past 3,000 files the filter is not applied, and the delivery says why', async () => {
    const files = Array.from({ length: 3_001 }, (_, i) => `src/f${i}.ts`);
    const { payload } = githubPullRequest(54, files);
    const delivery = await deliverGitHub('pull_request', payload, 'gh-paths-many');
    expect(delivery).toMatchObject({
      outcome: 'started',
      reason:
        'the pull request changes 3000 files or more (forgeflow reads at most 3000), so the paths filter was not applied',
    });
  });

  it('GitLab: a merge request touching only src/ does not start it; one touching docs/ does, once per head', async () => {
    const srcOnly = gitlabMergeRequest(gitlab, PATHS_PIPELINE, (a) => {
      a.iid = 61;
      a.last_commit.id = sha();
    });
    gitlab.setMergeRequestFiles(srcOnly.path, 61, ['src/a.rb']);
    const skipped = await deliverGitLab(srcOnly.payload, 'gl-paths-src');
    expect(skipped).toMatchObject({
      outcome: 'not_triggered',
      reason: 'pull_request: no changed file matches docs/**',
    });

    const docs = gitlabMergeRequest(gitlab, PATHS_PIPELINE, (a) => {
      a.iid = 62;
      a.last_commit.id = sha();
    });
    gitlab.setMergeRequestFiles(docs.path, 62, [{ from: 'docs/old.md', to: 'guide/new.md' }]);
    const started = await deliverGitLab(docs.payload, 'gl-paths-docs');
    expect(started.outcome).toBe('started');
    expect(await app.runtime.waitForRun(started.run_ids[0]!, 15_000)).toBe('succeeded');
    // The rename counts with its old path too, as GitHub Actions counts it.
    expect(gitlab.latestStatus(docs.path, docs.head, 'ci/docs-seen')?.description).toBe(
      'docs/old.md,guide/new.md',
    );
    const again = await deliverGitLab(docs.payload, 'gl-paths-docs-again');
    expect(again.outcome).toBe('started');
    expect(gitlab.requestsTo('GET', '/merge_requests/62/diffs')).toHaveLength(1);
  });
});
