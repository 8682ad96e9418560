/**
 * testing_farm.run and testing_farm.request against a fake Testing Farm API over real HTTP: the
 * request body field by field (fmf tree, plan, environments, Copr artifact, variables, context,
 * post-install script, tf_extra_params merged like Packit), the Bearer key, states through to
 * a pass or TestsFailed/TestingFarmError, retryable outages, and no second request after a crash.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { TestingFarmRequestRef } from '../../src/compiler/packit/handler-inputs.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeTestingFarm } from '../support/fake-testing-farm.js';
import { testContext } from './context.js';
import {
  closedUrl,
  packitByName,
  rejection,
  testingFarmRunInput as input,
  TF_TOKEN,
} from './packit-helpers.js';

const tf = new FakeTestingFarm({ artifactsUrl: 'https://artifacts.example' }).addToken(TF_TOKEN);
let run: Handler;
let poll: Handler;

function handlers(token: string | null = TF_TOKEN, url = tf.url) {
  const byName = packitByName({
    testingFarm: { url, token, artifactsUrl: 'https://artifacts.example' },
  });
  return { run: byName.get('testing_farm.run')!, poll: byName.get('testing_farm.request')! };
}

beforeAll(async () => {
  await tf.start();
  ({ run, poll } = handlers());
});
afterAll(() => tf.stop());
beforeEach(() => {
  tf.clearFaults();
  tf.requests.length = 0;
});

describe('testing_farm.run', () => {
  it('posts the request Packit would, with the key as a Bearer token', async () => {
    const { context, heartbeats } = testContext();
    const ref = (await run.run(input(), context)) as TestingFarmRequestRef;
    const submitted = tf.testRequests().at(-1)!;
    // packit-service's words, linking to the request's artifacts rather than to forgeflow.
    expect(ref).toEqual({
      request_id: submitted.id,
      url: `https://artifacts.example/${submitted.id}`,
      status: {
        state: 'running',
        description: 'Tests have been submitted ...',
        target_url: `https://artifacts.example/${submitted.id}`,
      },
    });
    const [post] = tf.requests;
    expect([post?.method, post?.path, post?.status]).toEqual(['POST', '/v0.1/requests', 200]);
    expect(post?.headers.authorization).toBe(`Bearer ${TF_TOKEN}`);
    expect(submitted.body).toEqual({
      test: {
        fmf: {
          url: 'https://github.com/acme/widgets',
          ref: '0123456789abcdef0123456789abcdef01234567',
          path: 'tests',
          name: '^/plans/smoke',
        },
      },
      environments: [
        {
          arch: 'x86_64',
          os: { compose: 'Fedora-41' },
          artifacts: [{ id: '8123456:fedora-41-x86_64', type: 'fedora-copr-build' }],
          tmt: { context: { distro: 'fedora-41', arch: 'x86_64', trigger: 'commit' } },
          variables: {
            PACKIT_COPR_PROJECT: 'alice/acme-widgets-7',
            PACKIT_COPR_BUILD_ID: '8123456',
            MODE: 'ci',
          },
          settings: { provisioning: { post_install_script: 'dnf -y install jq' } },
        },
      ],
    });
    expect(JSON.stringify(submitted.body)).not.toContain(TF_TOKEN);
    expect(heartbeats).toEqual([{ testing_farm_request_id: submitted.id }]);
  });

  it('leaves out the artifact, path, plan and script a job does not have (skip_build)', async () => {
    await run.run(
      input({
        copr_build: null,
        fmf_path: null,
        tmt_plan: null,
        post_install_script: null,
        environments: [
          { compose: 'CentOS-Stream-9', arch: 'x86_64' },
          { compose: 'CentOS-Stream-9', arch: 'aarch64' },
        ],
      }),
      testContext().context,
    );
    const body = tf.testRequests().at(-1)!.body as {
      test: { fmf: object };
      environments: Record<string, unknown>[];
    };
    expect(body.test.fmf).toEqual({
      url: 'https://github.com/acme/widgets',
      ref: '0123456789abcdef0123456789abcdef01234567',
    });
    expect(body.environments.map((e) => [e.arch, 'artifacts' in e, 'settings' in e])).toEqual([
      ['x86_64', false, false],
      ['aarch64', false, false],
    ]);
    // No build, none of packit-service's variables of a build.
    expect(body.environments.map((e) => e.variables)).toEqual([{ MODE: 'ci' }, { MODE: 'ci' }]);
  });

  it("tells the tests about the Copr build as packit-service does, unless the job's env does", async () => {
    await run.run(input(), testContext().context);
    const variables = () =>
      (tf.testRequests().at(-1)!.body.environments as { variables: object }[])[0]!.variables;
    expect(variables()).toEqual({
      MODE: 'ci',
      PACKIT_COPR_PROJECT: 'alice/acme-widgets-7',
      PACKIT_COPR_BUILD_ID: '8123456',
    });
    // A chroot that built (copr.build_status's last output) tells what it built.
    const built = {
      ...input().copr_build!,
      srpm_url: 'https://copr.example/results/alice/p/srpm-builds/08123456/widgets-1.0-1.src.rpm',
      build_log_url:
        'https://copr.example/results/alice/p/fedora-41-x86_64/08123456-widgets/builder-live.log',
      package_nvr: 'widgets-1.0-1.fc41',
      rpms: ['widgets-1.0-1.fc41.x86_64', 'widgets-devel-2:1.0-1.fc41.x86_64'],
    };
    await run.run(input({ copr_build: built }), testContext().context);
    expect(variables()).toEqual({
      MODE: 'ci',
      PACKIT_COPR_PROJECT: 'alice/acme-widgets-7',
      PACKIT_COPR_BUILD_ID: '8123456',
      PACKIT_PACKAGE_NVR: 'widgets-1.0-1.fc41',
      PACKIT_BUILD_LOG_URL: built.build_log_url,
      PACKIT_SRPM_URL: built.srpm_url,
      PACKIT_COPR_RPMS: 'widgets-1.0-1.fc41.x86_64 widgets-devel-2:1.0-1.fc41.x86_64',
    });
    await run.run(
      input({
        copr_build: built,
        variables: { PACKIT_COPR_PROJECT: 'mine/own', PACKIT_COPR_RPMS: 'mine-1-1.noarch' },
      }),
      testContext().context,
    );
    expect(variables()).toMatchObject({
      PACKIT_COPR_PROJECT: 'mine/own',
      PACKIT_COPR_RPMS: 'mine-1-1.noarch',
      PACKIT_SRPM_URL: built.srpm_url,
    });
    expect(variables()).not.toHaveProperty('MODE');
  });

  it('leaves out the ref when the fmf tree names none (fmf_url without fmf_ref)', async () => {
    await run.run(
      input({
        fmf_url: 'https://gitlab.example/tests.git',
        fmf_ref: null,
        fmf_path: null,
        tmt_plan: null,
      }),
      testContext().context,
    );
    const body = tf.testRequests().at(-1)!.body as { test: { fmf: object } };
    expect(body.test.fmf).toEqual({ url: 'https://gitlab.example/tests.git' });
  });

  it('merges tf_extra_params like Packit: element by element, artifacts appended, test.tmt as test.fmf', async () => {
    const { context, logs } = testContext();
    await run.run(
      input({
        environments: [{ compose: 'Fedora-41', arch: 'x86_64' }],
        extra_params: {
          environments: [
            {
              hardware: { memory: '>= 8 GB' },
              artifacts: [{ id: 'https://example.com/extra.repo', type: 'repository-file' }],
              tmt: { context: { initiator: 'packit', distro: 'fedora-41-custom' } },
              variables: { EXTRA: '1' },
              os: ['a list where the request has an object: ignored'],
              pool: 'a scalar: set',
            },
            { arch: 'aarch64' },
          ],
          test: { tmt: { name: '^/plans/full' } },
          settings: { pipeline: { timeout: 720 } },
          notification: { webhook: { url: 'https://evil.example/hook' } },
          api_key: 'someone-elses',
        },
      }),
      context,
    );
    const body = tf.testRequests().at(-1)!.body;
    expect(body).toEqual({
      test: {
        fmf: {
          url: 'https://github.com/acme/widgets',
          ref: '0123456789abcdef0123456789abcdef01234567',
          path: 'tests',
          name: '^/plans/full',
        },
      },
      environments: [
        {
          arch: 'x86_64',
          os: { compose: 'Fedora-41' },
          artifacts: [
            { id: '8123456:fedora-41-x86_64', type: 'fedora-copr-build' },
            { id: 'https://example.com/extra.repo', type: 'repository-file' },
          ],
          tmt: {
            context: {
              distro: 'fedora-41-custom',
              arch: 'x86_64',
              trigger: 'commit',
              initiator: 'packit',
            },
          },
          variables: {
            PACKIT_COPR_PROJECT: 'alice/acme-widgets-7',
            PACKIT_COPR_BUILD_ID: '8123456',
            MODE: 'ci',
            EXTRA: '1',
          },
          settings: { provisioning: { post_install_script: 'dnf -y install jq' } },
          hardware: { memory: '>= 8 GB' },
          pool: 'a scalar: set',
        },
      ],
      settings: { pipeline: { timeout: 720 } },
    });
    expect(logs.find((l) => l.level === 'warn')?.obj).toEqual({
      ignored: ['notification', 'api_key'],
    });
    expect(tf.requests.at(-1)?.headers.authorization).toBe(`Bearer ${TF_TOKEN}`);
  });

  it('does not submit again when an earlier attempt heartbeated its request', async () => {
    const first = (await run.run(input(), testContext().context)) as TestingFarmRequestRef;
    const count = tf.testRequests().length;
    const { context } = testContext();
    context.lastHeartbeatDetails = { testing_farm_request_id: first.request_id };
    expect(await run.run(input(), context)).toEqual(first);
    expect(tf.testRequests()).toHaveLength(count);

    context.lastHeartbeatDetails = { testing_farm_request_id: 'gone-0000' };
    await run.run(input(), context);
    expect(tf.testRequests()).toHaveLength(count + 1);
  });

  it('retries a 5xx and a network failure, waits as a 429 asks', async () => {
    tf.failNext('POST', '/requests', 502);
    const outage = await rejection(run.run(input(), testContext().context));
    expect([outage.type, outage.nonRetryable]).toEqual(['TestingFarmUnavailable', false]);
    expect(outage.message).toBe('Testing Farm POST /requests answered 502: Bad Gateway');

    tf.failNext('POST', '/requests', 429, 1, { headers: { 'retry-after': '45' } });
    const limited = await rejection(run.run(input(), testContext().context));
    expect([limited.type, limited.nonRetryable, limited.retryAfterMs]).toEqual([
      'TestingFarmRateLimited',
      false,
      45_000,
    ]);

    const down = handlers(TF_TOKEN, await closedUrl()).run;
    const network = await rejection(down.run(input(), testContext().context));
    expect([network.type, network.nonRetryable]).toEqual(['TestingFarmUnavailable', false]);
    expect(tf.testRequests().every((r) => r.token === TF_TOKEN)).toBe(true);
  });

  it('fails a bad key for good (TestingFarmAuthError) and shows a refused body (TestingFarmRequestError)', async () => {
    const wrong = handlers('wrong-key-123456').run;
    const denied = await rejection(wrong.run(input(), testContext().context));
    expect([denied.type, denied.nonRetryable]).toEqual(['TestingFarmAuthError', true]);
    expect(denied.message).toBe(
      'Testing Farm POST /requests answered 401: Not authorized to perform this action; check FORGEFLOW_TESTING_FARM_TOKEN (a Testing Farm API key) and FORGEFLOW_TESTING_FARM_URL',
    );

    const refused = await rejection(
      run.run(input({ environments: [{ compose: 'Fedora-41' } as never] }), testContext().context),
    );
    expect([refused.type, refused.nonRetryable]).toEqual(['TestingFarmRequestError', true]);
    expect(refused.message).toContain('answered 422');
    expect(refused.message).toContain('"loc":["body","environments","0","arch"]');
  });

  it('fails NotConfigured naming FORGEFLOW_TESTING_FARM_TOKEN without a token', async () => {
    const none = handlers(null);
    for (const [handler, args] of [
      [none.run, input()],
      [none.poll, { request_id: 'x' }],
    ] as const) {
      const error = await rejection(handler.run(args, testContext().context));
      expect([error.type, error.nonRetryable]).toEqual(['NotConfigured', true]);
      expect(error.message).toContain('FORGEFLOW_TESTING_FARM_TOKEN');
    }
    expect(tf.requests).toHaveLength(0);
  });
});

describe('testing_farm.request', () => {
  async function submitted(): Promise<TestingFarmRequestRef> {
    return (await run.run(input(), testContext().context)) as TestingFarmRequestRef;
  }

  it('reports the state until the tests pass', async () => {
    tf.scriptNextRequest(['new', 'queued', 'running', 'passed']);
    const ref = await submitted();
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await poll.run(ref, testContext().context));
    const told = (description: string) => ({
      state: 'running',
      description,
      target_url: ref.url,
    });
    expect(seen).toEqual([
      { ...ref, state: 'new', result: null, ended: false },
      { ...ref, state: 'queued', result: null, ended: false },
      {
        ...ref,
        state: 'running',
        result: null,
        ended: false,
        status: told('Tests are running ...'),
      },
      {
        ...ref,
        state: 'complete',
        result: 'passed',
        ended: true,
        status: told('Tests passed ...'),
      },
    ]);
    expect(tf.requestsTo('GET', `/v0.1/requests/${ref.request_id}`)).toHaveLength(4);
  });

  it('ends on skipped (no test ran) as on passed', async () => {
    tf.scriptNextRequest(['skipped']);
    const ref = await submitted();
    expect(await poll.run(ref, testContext().context)).toMatchObject({
      result: 'skipped',
      ended: true,
    });
  });

  it('fails for good with TestsFailed when the tests failed', async () => {
    tf.scriptNextRequest(['running', 'failed']);
    const ref = await submitted();
    await poll.run(ref, testContext().context);
    const error = await rejection(poll.run(ref, testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['TestsFailed', true]);
    expect(error.message).toBe(`tests failed: https://artifacts.example/${ref.request_id}`);
    expect(error.details).toMatchObject({
      state: 'complete',
      result: 'failed',
      status: { description: 'Tests failed ...', target_url: ref.url },
    });
  });

  it('fails for good with TestingFarmError on an error or a cancel', async () => {
    tf.scriptNextRequest(['error']);
    const errored = await submitted();
    const error = await rejection(poll.run(errored, testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['TestingFarmError', true]);
    expect(error.message).toBe(
      `Testing Farm request ${errored.request_id} ended in state error (Guest provisioning failed): https://artifacts.example/${errored.request_id}`,
    );

    tf.scriptNextRequest(['canceled']);
    const canceled = await submitted();
    const stopped = await rejection(poll.run(canceled, testContext().context));
    expect(stopped.type).toBe('TestingFarmError');
    expect(stopped.message).toContain('was canceled');
  });

  it('fails for good on a request Testing Farm does not know, retries its outages', async () => {
    const unknown = await rejection(
      poll.run({ request_id: 'no-such-request' }, testContext().context),
    );
    expect([unknown.type, unknown.nonRetryable]).toEqual(['TestingFarmNotFound', true]);

    const ref = await submitted();
    tf.failNext('GET', '/requests/', 500, 1, { headers: { 'retry-after': '3' } });
    const outage = await rejection(poll.run(ref, testContext().context));
    expect([outage.type, outage.nonRetryable, outage.retryAfterMs]).toEqual([
      'TestingFarmUnavailable',
      false,
      3_000,
    ]);
  });
});
