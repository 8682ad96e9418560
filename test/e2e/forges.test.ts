/**
 * End to end, as a forge sees forgeflow: a real server on a loopback port receives signed real
 * payloads; the plan run reads pipeline.yaml from a fake GitHub or GitLab that speaks their
 * APIs; the pipeline runs; its statuses come back to the forge in order. Also: one run per
 * delivery however often it arrives, nothing stored for a bad signature, a forge outage while
 * fetching the config retried, a broken config answered with one failed status that points at
 * the line, and an untrusted commenter starting nothing. Clock injected; both backends.
 */
import { describe, expect, it } from 'vitest';
import { randomSha as sha } from '../support/use-server.js';
import { gitlabMergeRequest, useForgeServer } from '../support/use-forge-server.js';
import {
  githubExample,
  githubHeaders,
  gitlabFixture,
  gitlabHeaders,
} from '../support/webhook-payloads.js';

const SECRET = 'github-webhook-secret';
const TOKEN = 'gitlab-webhook-token';
const REPO = 'Codertocat/Hello-World';

const PIPELINE = `version: 1
name: ci
on:
  pull_request: { types: [opened, synchronize, reopened] }
  comment: { commands: ["/ci retest"] }
jobs:
  build:
    uses: forge.comment
    with: { body: "built \${{ event.sha }}" }
    report: forgeflow/build
`;

const { app, clock, github, gitlab } = useForgeServer({ githubSecret: SECRET, gitlabToken: TOKEN });
const deliver = app.post;
const planned = app.planned;

/** A pull_request.opened from @octokit/webhooks-examples, on a commit of its own. */
function pullRequest(sha: string, association = 'OWNER'): string {
  const payload = githubExample('pull_request', 'opened');
  const pr = payload.pull_request as Record<string, unknown>;
  (pr.head as Record<string, unknown>).sha = sha;
  pr.author_association = association;
  return JSON.stringify(payload);
}

const pipelineRuns = async () =>
  (
    await app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM forgeflow.runs WHERE pipeline = 'ci'`,
    )
  ).rows[0]!.n;

/** Waits until the forge holds `count` statuses for this commit and context. */
async function statusesOn(
  read: () => readonly { state?: string; status?: string }[],
  count: number,
): Promise<string[]> {
  for (;;) {
    const states = read().map((s) => s.state ?? s.status ?? '');
    if (states.length >= count) return states;
    await app.runtime.events.next('worker:idle');
  }
}

describe('a GitHub pull request', () => {
  it('runs the pipeline.yaml of its commit and reports pending → success on it', async () => {
    const head = sha();
    github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
    github.addPullRequest(REPO, { number: 2, headSha: head, headRef: 'changes' });
    const body = pullRequest(head);
    const response = await deliver(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, SECRET, 'gh-1'),
    );
    expect(response.status).toBe(202);
    const delivery = await planned('github:gh-1');
    expect(delivery).toMatchObject({ outcome: 'started', config_path: 'pipeline.yaml' });
    const [runId] = delivery.run_ids;
    expect(await app.runtime.waitForRun(runId!, 15_000)).toBe('succeeded');
    const states = await statusesOn(() => github.statuses(REPO, head), 3);
    // GitHub has no "running": it is pending with a description, then success.
    expect(states).toEqual(['pending', 'pending', 'success']);
    expect(github.statuses(REPO, head).map((s) => s.context)).toEqual([
      'forgeflow/build',
      'forgeflow/build',
      'forgeflow/build',
    ]);
    expect(github.latestStatus(REPO, head, 'forgeflow/build')).toMatchObject({
      target_url: `http://forgeflow.test/runs/${runId}`,
    });
    expect(github.comments(REPO, 2).map((c) => c.body)).toContain(`built ${head}`);
  });

  it('starts one run for a redelivery and for two copies arriving at once', async () => {
    const head = sha();
    github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
    const before = await pipelineRuns();
    const body = pullRequest(head);
    const headers = githubHeaders('pull_request', body, SECRET, 'gh-dup');
    const answers = await Promise.all([
      deliver('/webhooks/github', body, headers),
      deliver('/webhooks/github', body, headers),
    ]);
    await planned('github:gh-dup');
    answers.push(await deliver('/webhooks/github', body, headers));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(await pipelineRuns()).toBe(before + 1);
  });

  it('stores nothing for a bad signature and answers 401', async () => {
    const counts = async () =>
      (
        await app.db.query<{ runs: number; deliveries: number }>(
          `SELECT (SELECT count(*)::int FROM forgeflow.runs) AS runs,
                  (SELECT count(*)::int FROM forgeflow.deliveries) AS deliveries`,
        )
      ).rows[0];
    const before = await counts();
    const body = pullRequest(sha());
    const response = await deliver(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, 'wrong secret'),
    );
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect(await counts()).toEqual(before);
  });

  it('still starts the run when the config fetch fails with 502 three times', async () => {
    const head = sha();
    github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
    github.failNext('GET', `contents/pipeline.yaml?ref=${head}`, 502, 3);
    const body = pullRequest(head);
    const retried: number[] = [];
    const off = app.runtime.events.on('node:retrying', (e) => {
      retried.push(e.delayMs);
      // The plan backs off; the clock is moved past each wait.
      setImmediate(() => clock.advance(e.delayMs));
    });
    try {
      await deliver(
        '/webhooks/github',
        body,
        githubHeaders('pull_request', body, SECRET, 'gh-502'),
      );
      const delivery = await planned('github:gh-502');
      expect(delivery.outcome).toBe('started');
      expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    } finally {
      off();
    }
    expect(retried).toHaveLength(3);
    const fetches = github.requestsTo('GET', `contents/pipeline.yaml?ref=${head}`);
    expect(fetches.map((r) => r.status)).toEqual([502, 502, 502, 200]);
  });

  it('answers a broken config with one failed forgeflow/config status naming the line', async () => {
    const head = sha();
    const broken = PIPELINE.replace('uses: forge.comment', 'uses: forge.comment\n    timout: 5m');
    github.setFile(REPO, head, 'pipeline.yaml', broken);
    const body = pullRequest(head);
    await deliver(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, SECRET, 'gh-broken'),
    );
    const delivery = await planned('github:gh-broken');
    expect(delivery).toMatchObject({ outcome: 'invalid_config', run_ids: [] });
    const statuses = github.statuses(REPO, head);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      context: 'forgeflow/config',
      state: 'failure',
      target_url: 'http://forgeflow.test/api/v1/deliveries/github%3Agh-broken',
    });
    expect(statuses[0]?.description).toMatch(/^pipeline\.yaml:9:5: unknown key "timout"/);
    expect(delivery.diagnostics).toMatchObject([{ line: 9, column: 5, rule: 'schema' }]);
  });

  it('starts nothing for a command from a commenter the repository does not trust', async () => {
    const head = sha();
    github.setFile(REPO, head, 'pipeline.yaml', PIPELINE);
    github.addPullRequest(REPO, { number: 7, headSha: head, headRef: 'outsider' });
    const payload = githubExample('issue_comment', 'created');
    const issue = payload.issue as Record<string, unknown>;
    issue.number = 7;
    issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/7` };
    Object.assign(payload.comment as object, { body: '/ci retest', author_association: 'NONE' });
    const before = await pipelineRuns();
    const body = JSON.stringify(payload);
    await deliver(
      '/webhooks/github',
      body,
      githubHeaders('issue_comment', body, SECRET, 'gh-outsider'),
    );
    const delivery = await planned('github:gh-outsider');
    expect(delivery).toMatchObject({ outcome: 'untrusted', run_ids: [] });
    expect(delivery.reason).toContain('NONE, not OWNER, MEMBER or COLLABORATOR');
    expect(await pipelineRuns()).toBe(before);

    // The same command from a member starts the pipeline, on the pull request's head.
    Object.assign(payload.comment as object, { author_association: 'MEMBER' });
    const trusted = JSON.stringify(payload);
    await deliver(
      '/webhooks/github',
      trusted,
      githubHeaders('issue_comment', trusted, SECRET, 'gh-member'),
    );
    const started = await planned('github:gh-member');
    expect(started.outcome).toBe('started');
    expect(await app.runtime.waitForRun(started.run_ids[0]!, 15_000)).toBe('succeeded');
    expect(github.comments(REPO, 7).map((c) => c.body)).toContain(`built ${head}`);
  });
});

describe('ChatOps on a pull request', () => {
  it('/forgeflow signal wakes the latest run; /forgeflow retry of a run with nothing failed does nothing', async () => {
    const head = sha();
    github.setFile(
      REPO,
      head,
      'pipeline.yaml',
      `version: 1
name: gated
on: { pull_request: { types: [opened] } }
jobs:
  gate: { wait_for: { signal: approve } }
  deploy:
    needs: gate
    uses: forge.comment
    with: { body: "deployed by \${{ needs.gate.output.by }}" }
`,
    );
    github.addPullRequest(REPO, { number: 9, headSha: head, headRef: 'gated' });
    const opened = githubExample('pull_request', 'opened');
    const pr = opened.pull_request as Record<string, unknown>;
    pr.number = 9;
    (pr.head as Record<string, unknown>).sha = head;
    pr.author_association = 'MEMBER';
    const body = JSON.stringify(opened);
    await deliver(
      '/webhooks/github',
      body,
      githubHeaders('pull_request', body, SECRET, 'gh-gated'),
    );
    const [runId] = (await planned('github:gh-gated')).run_ids;
    expect((await app.runtime.getRun(runId!))?.status).toBe('running');

    const command = async (text: string, id: string) => {
      const payload = githubExample('issue_comment', 'created');
      const issue = payload.issue as Record<string, unknown>;
      issue.number = 9;
      issue.pull_request = { url: `https://api.github.com/repos/${REPO}/pulls/9` };
      Object.assign(payload.comment as object, { body: text, author_association: 'MEMBER' });
      const comment = JSON.stringify(payload);
      await deliver(
        '/webhooks/github',
        comment,
        githubHeaders('issue_comment', comment, SECRET, id),
      );
      return planned(`github:${id}`);
    };
    const signaled = await command('/forgeflow signal approve {"by": "octocat"}', 'gh-signal');
    expect(signaled).toMatchObject({ outcome: 'command', run_ids: [runId] });
    expect(signaled.reason).toBe(`signal of run ${runId}: delivered`);
    expect(await app.runtime.waitForRun(runId!, 15_000)).toBe('succeeded');
    expect(github.comments(REPO, 9).map((c) => c.body)).toContain('deployed by octocat');

    const retried = await command('/forgeflow retry', 'gh-retry');
    expect(retried.reason).toBe(`retry of run ${runId}: nothing-to-retry`);
  });
});

describe('a GitLab merge request', () => {
  it('runs the pipeline.yaml of its commit and reports pending → running → success', async () => {
    const { payload, path, head, iid } = gitlabMergeRequest(gitlab, PIPELINE);
    const body = JSON.stringify(payload);
    const response = await deliver('/webhooks/gitlab', body, gitlabHeaders(payload, TOKEN, 'gl-1'));
    expect(response.status).toBe(202);
    const delivery = await planned('gitlab:gl-1');
    expect(delivery.outcome).toBe('started');
    expect(await app.runtime.waitForRun(delivery.run_ids[0]!, 15_000)).toBe('succeeded');
    const states = await statusesOn(() => gitlab.statuses(path, head), 3);
    expect(states).toEqual(['pending', 'running', 'success']);
    expect(gitlab.notes(path, iid).map((n) => n.body)).toContain(`built ${head}`);
  });
});

describe('a GitLab release', () => {
  const RELEASE_PIPELINE = (types: string) => `version: 1
name: release
on:
  release: { types: [${types}] }
jobs:
  announce:
    uses: forge.status
    with: { state: success, context: announce, description: "\${{ event.action }} \${{ event.tag }}" }
    report: forgeflow/release
`;

  /** GitLab's real Release Hook (action `create`) on a commit of its own holding `pipeline`. */
  function releaseHook(pipeline: string): { body: string; payload: Record<string, unknown> } {
    const payload = gitlabFixture('release');
    const project = payload.project as { path_with_namespace: string; id: number };
    const commit = sha();
    (payload.commit as { id: string }).id = commit;
    gitlab.addProject(project.path_with_namespace, { id: project.id });
    gitlab.setFile(project.path_with_namespace, commit, 'pipeline.yaml', pipeline);
    return { body: JSON.stringify(payload), payload };
  }

  /** Delivers that hook, signed, for a pipeline with these `types`; answers what it planned. */
  async function deliverRelease(types: string, id: string) {
    const { body, payload } = releaseHook(RELEASE_PIPELINE(types));
    const response = await deliver('/webhooks/gitlab', body, gitlabHeaders(payload, TOKEN, id));
    expect(response.status).toBe(202);
    return { payload, delivery: await planned(`gitlab:${id}`) };
  }

  it('starts types: [published] on the Release Hook create, in GitHub words', async () => {
    const { payload, delivery } = await deliverRelease('published', 'gl-r1');
    expect(payload.action).toBe('create');
    expect(delivery.outcome, delivery.reason ?? '').toBe('started');
    const runId = delivery.run_ids[0]!;
    expect(await app.runtime.waitForRun(runId, 15_000)).toBe('succeeded');
    const project = (payload.project as { path_with_namespace: string }).path_with_namespace;
    const commit = (payload.commit as { id: string }).id;
    await statusesOn(() => gitlab.statuses(project, commit), 4);
    // The job's own status reads the action in GitHub's words; the report went to the commit.
    expect(gitlab.latestStatus(project, commit, 'announce')).toMatchObject({
      description: `published ${String(payload.tag)}`,
    });
    expect(gitlab.latestStatus(project, commit, 'forgeflow/release')).toMatchObject({
      status: 'success',
    });
  });

  it("starts nothing for types: [edited], and says how GitLab's create was read", async () => {
    const { delivery } = await deliverRelease('edited', 'gl-r2');
    expect(delivery.outcome).not.toBe('started');
    expect(delivery.run_ids).toEqual([]);
    expect(JSON.stringify(delivery)).toContain(
      `GitLab's \\"create\\" counts as published, created, released`,
    );
  });
});
