/**
 * koji.build, koji.scratch_build and koji.task against a fake Koji hub over real HTTPS with a
 * throwaway CA: the login by client certificate (and its refusal for a certificate the hub's
 * CA did not sign), session id/key/callnum on later calls (headers, or query parameters for an
 * older hub), a session the hub forgot logged into again, the build call as Koji reads it,
 * task states through to the NVR or KojiBuildFailed, faults and outages as (non-)retryable
 * errors, no second build after a crash, hostile inputs refused before anything is sent, and
 * NotConfigured without a certificate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KojiBuildInput, KojiTaskRef } from '../../src/compiler/packit/handler-inputs.js';
import { catalogHandlers } from '../../src/handlers/catalog.js';
import {
  DEFAULT_PACKIT_SETTINGS,
  handlerServices,
  type KojiSettings,
} from '../../src/handlers/handler-services.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeKoji } from '../support/fake-koji.js';
import { makeTestCertificates } from '../support/tls-certs.js';
import { rejection, testContext } from './context.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const certs = makeTestCertificates('packit-bot');
const tls = {
  cert: certs.read(certs.serverCert),
  key: certs.read(certs.serverKey),
  ca: certs.read(certs.caCert),
};
const options = {
  tls,
  allowedScmHosts: ['src.fedoraproject.org', 'github.com'],
  targets: ['rawhide', 'f45-candidate', 'f45'],
};
const koji = new FakeKoji(options);
const oldHub = new FakeKoji({ ...options, headerAuth: false });

function handlers(url: string, settings: Partial<KojiSettings> = {}): Map<string, Handler> {
  const packit = {
    ...DEFAULT_PACKIT_SETTINGS,
    koji: { url, webUrl: null, cert: certs.clientPem, key: null, ca: certs.caCert, ...settings },
    timeoutMs: 5_000,
  };
  return new Map(catalogHandlers(handlerServices({ packit })).map((h) => [h.spec.name, h]));
}

function input(overrides: Partial<KojiBuildInput> = {}): KojiBuildInput {
  return {
    package: 'hello',
    target: 'f45-candidate',
    repository: 'https://src.fedoraproject.org/rpms/hello.git',
    commit: SHA,
    scratch: false,
    dist_git_branch: 'f45',
    ...overrides,
  };
}

beforeAll(async () => {
  await Promise.all([koji.start(), oldHub.start()]);
});
afterAll(async () => {
  await Promise.all([koji.stop(), oldHub.stop()]);
  certs.remove();
});

/** Polls koji.task until it ends (the fake moves one state per read). */
async function pollToEnd(task: Handler, ref: KojiTaskRef) {
  const states: string[] = [];
  for (let i = 0; i < 10; i++) {
    const out = (await task.run(ref, testContext().context)) as { state: string; ended: boolean };
    states.push(out.state);
    if (out.ended) return { out: out as unknown as Record<string, unknown>, states };
  }
  throw new Error('the task never ended');
}

describe('koji.build and koji.task', () => {
  it('logs in with the client certificate, builds the dist-git commit and finds its NVR', async () => {
    const byName = handlers(koji.url);
    const { context, heartbeats, lines } = testContext();
    const ref = (await byName.get('koji.build')!.run(input(), context)) as KojiTaskRef;
    expect(ref).toMatchObject({ package: 'hello', target: 'f45-candidate', scratch: false });
    expect(ref.url).toBe(`${koji.url.replace(/kojihub$/, 'koji')}/taskinfo?taskID=${ref.task_id}`);
    expect(heartbeats).toContainEqual(expect.objectContaining({ koji_task_id: ref.task_id }));
    expect(lines.map((l) => l.text).join('\n')).toContain(`task ${ref.task_id}`);

    const [login] = koji.callsOf('sslLogin');
    expect(login?.path).toBe('/kojihub/ssllogin');
    const [build] = koji.callsOf('build');
    expect(build?.user).toBe('packit-bot');
    expect(build?.params).toEqual([
      `git+https://src.fedoraproject.org/rpms/hello.git#${SHA}`,
      'f45-candidate',
      {},
    ]);
    expect(build?.headers['koji-session-callnum']).toBe('0');
    expect(build?.query).toEqual({});

    const { out, states } = await pollToEnd(byName.get('koji.task')!, ref);
    expect(states).toEqual(['FREE', 'OPEN', 'CLOSED']);
    expect(out).toMatchObject({ ended: true, nvr: 'hello-1.0-1.fc45', task_id: ref.task_id });
    expect(out.build_id).toEqual(expect.any(Number));
    // Reads are anonymous: no session, no certificate needed.
    expect(koji.callsOf('getTaskInfo').every((c) => c.user === null)).toBe(true);
  });

  it('gives an older hub the session as query parameters, and its call numbers grow', async () => {
    const build = handlers(oldHub.url).get('koji.build')!;
    await build.run(input(), testContext().context);
    await build.run(input({ commit: 'f'.repeat(40) }), testContext().context);
    const calls = oldHub.callsOf('build');
    expect(calls.map((c) => c.query.callnum)).toEqual(['0', '1']);
    expect(calls[0]!.query['session-key']).toMatch(/sessionkey/);
    expect(calls.every((c) => c.user === 'packit-bot')).toBe(true);
  });

  it('logs in again when the hub forgot the session', async () => {
    const build = handlers(koji.url).get('koji.build')!;
    await build.run(input(), testContext().context);
    const logins = koji.callsOf('sslLogin').length;
    koji.expireSessions();
    await build.run(input({ commit: 'e'.repeat(40) }), testContext().context);
    expect(koji.callsOf('sslLogin').length).toBe(logins + 1);
  });

  it('makes a scratch build of the upstream commit, its NVR from the SRPM', async () => {
    const byName = handlers(koji.url);
    const ref = (await byName.get('koji.scratch_build')!.run(
      input({
        repository: 'https://github.com/acme/hello.git',
        target: 'f45',
        scratch: false,
        dist_git_branch: null,
      }),
      testContext().context,
    )) as KojiTaskRef;
    expect(ref.scratch).toBe(true);
    expect(koji.callsOf('build').at(-1)?.params).toEqual([
      `git+https://github.com/acme/hello.git#${SHA}`,
      'f45',
      { scratch: true },
    ]);
    const { out } = await pollToEnd(byName.get('koji.task')!, ref);
    expect(out).toMatchObject({ nvr: 'hello-1.0-1.fc45', build_id: null, scratch: true });
  });

  it('fails KojiBuildFailed with the reason Koji gives when the task fails', async () => {
    const byName = handlers(koji.url);
    koji.scriptNextTask(['OPEN', 'FAILED']);
    const ref = (await byName
      .get('koji.build')!
      .run(input(), testContext().context)) as KojiTaskRef;
    const task = byName.get('koji.task')!;
    await task.run(ref, testContext().context);
    const error = await rejection(task.run(ref, testContext().context));
    expect(error.type).toBe('KojiBuildFailed');
    expect(error.nonRetryable).toBe(true);
    expect(error.message).toContain('mock exited with status 30');
  });

  it('does not build twice when an earlier attempt submitted the task', async () => {
    const build = handlers(koji.url).get('koji.build')!;
    const first = testContext();
    const ref = (await build.run(input(), first.context)) as KojiTaskRef;
    const count = koji.callsOf('build').length;
    const again = testContext();
    again.context.lastHeartbeatDetails = first.heartbeats.at(-1);
    expect(((await build.run(input(), again.context)) as KojiTaskRef).task_id).toBe(ref.task_id);
    expect(koji.callsOf('build').length).toBe(count);
  });

  it('refuses a client certificate the hub does not trust', async () => {
    const build = handlers(koji.url, { cert: certs.strangerPem }).get('koji.build')!;
    const error = await rejection(build.run(input(), testContext().context));
    expect(error.type).toBe('KojiAuthError');
    expect(error.nonRetryable).toBe(true);
    expect(error.message).toContain('FORGEFLOW_KOJI_CERT');
  });

  it('tells faults, outages and bad answers apart', async () => {
    const byName = handlers(koji.url);
    const build = byName.get('koji.build')!;
    const target = await rejection(build.run(input({ target: 'f99' }), testContext().context));
    expect([target.type, target.nonRetryable]).toEqual(['KojiFault', true]);
    expect(target.message).toContain('No such build target: f99');

    const scm = await rejection(
      build.run(input({ repository: 'https://evil.example/x.git' }), testContext().context),
    );
    expect([scm.type, scm.message]).toEqual(['KojiFault', expect.stringContaining('scm policy')]);

    koji.failNext('getTaskInfo', 'status', 503);
    const outage = await rejection(
      byName.get('koji.task')!.run({ task_id: 1 }, testContext().context),
    );
    expect([outage.type, outage.nonRetryable]).toEqual(['KojiUnavailable', false]);

    koji.failNext('getTaskInfo', 'fault', 1014, 'server is offline');
    const offline = await rejection(
      byName.get('koji.task')!.run({ task_id: 1 }, testContext().context),
    );
    expect(offline.type).toBe('KojiUnavailable');

    koji.failNext('getTaskInfo', 'drop');
    const dropped = await rejection(
      byName.get('koji.task')!.run({ task_id: 1 }, testContext().context),
    );
    expect(dropped.type).toBe('KojiUnavailable');

    const missing = await rejection(
      byName.get('koji.task')!.run({ task_id: 999_999_999 }, testContext().context),
    );
    expect([missing.type, missing.message]).toEqual(['KojiFault', 'Koji has no task 999999999']);
  });

  it('refuses hostile inputs before anything is sent', async () => {
    const build = handlers(koji.url).get('koji.build')!;
    const before = koji.calls.length;
    const bad: Partial<KojiBuildInput>[] = [
      { package: 'hello; rm -rf /' },
      { package: '-oops' },
      { target: 'f45/../x' },
      { commit: 'main' },
      { commit: `${SHA}\n` },
      { repository: 'https://user:pw@src.fedoraproject.org/rpms/hello.git' },
      { repository: 'https://src.fedoraproject.org/rpms/hello.git#other' },
      { repository: 'file:///etc/passwd' },
      { repository: `https://src.fedoraproject.org/${'a'.repeat(600)}` },
      { dist_git_branch: 'f45 --scratch' },
    ];
    for (const overrides of bad) {
      const error = await rejection(build.run(input(overrides), testContext().context));
      expect([error.type, error.nonRetryable], JSON.stringify(overrides)).toEqual([
        'KojiBadInput',
        true,
      ]);
    }
    expect(koji.calls.length).toBe(before);
  });

  it('fails NotConfigured without a client certificate, naming the setting', async () => {
    const build = handlers(koji.url, { cert: null }).get('koji.build')!;
    const error = await rejection(build.run(input(), testContext().context));
    expect(error.type).toBe('NotConfigured');
    expect(error.message).toContain('FORGEFLOW_KOJI_CERT');
    const unreadable = handlers(koji.url, { cert: '/nonexistent/cert.pem' }).get('koji.build')!;
    const read = await rejection(unreadable.run(input(), testContext().context));
    expect([read.type, read.message]).toEqual([
      'NotConfigured',
      expect.stringContaining('FORGEFLOW_KOJI_CERT names a file forgeflow cannot read (ENOENT)'),
    ]);
  });

  it('never puts the session key in a message or a log', async () => {
    const byName = handlers(koji.url);
    const { context, logs, lines } = testContext();
    await byName.get('koji.build')!.run(input({ commit: 'd'.repeat(40) }), context);
    const keys = koji.callsOf('build').map((c) => String(c.headers['koji-session-key']));
    const seen = JSON.stringify({ logs, lines });
    for (const key of keys) expect(seen).not.toContain(key);
  });
});
