/**
 * bodhi.update against a fake Bodhi over real HTTP: the update posted with the bearer token
 * and the CSRF token, Packit's defaults and the job's bodhi_extra_params; an update already
 * holding the build reused (a retry, a lost answer, a race) rather than made twice; errors as
 * (non-)retryable types without the token; the NVR from Koji when no koji_build node gave one;
 * hostile inputs refused before anything is sent; NotConfigured without a token.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { BodhiUpdateInput, BodhiUpdateRef } from '../../src/compiler/packit/handler-inputs.js';
import { catalogHandlers } from '../../src/handlers/catalog.js';
import { DEFAULT_PACKIT_SETTINGS, handlerServices } from '../../src/handlers/handler-services.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeBodhi } from '../support/fake-bodhi.js';
import { FakeKoji } from '../support/fake-koji.js';
import { makeTestCertificates } from '../support/tls-certs.js';
import { rejection, testContext } from './context.js';

const TOKEN = 'bodhi-oidc-5ecret-token';
const bodhi = new FakeBodhi().addToken(TOKEN, 'packit');
const certs = makeTestCertificates();
const koji = new FakeKoji({
  tls: {
    cert: certs.read(certs.serverCert),
    key: certs.read(certs.serverKey),
    ca: certs.read(certs.caCert),
  },
});

function update(token: string | null = TOKEN): Handler {
  const packit = {
    ...DEFAULT_PACKIT_SETTINGS,
    bodhi: { url: bodhi.url, token },
    koji: { url: koji.url, webUrl: null, cert: null, key: null, ca: certs.caCert },
    timeoutMs: 5_000,
  };
  return catalogHandlers(handlerServices({ packit })).find((h) => h.spec.name === 'bodhi.update')!;
}

function input(overrides: Partial<BodhiUpdateInput> = {}): BodhiUpdateInput {
  return {
    package: 'hello',
    dist_git_branch: 'f45',
    koji_build: { nvr: 'hello-2.1-1.fc45' },
    extra_params: {},
    ...overrides,
  };
}

beforeAll(async () => {
  await Promise.all([bodhi.start(), koji.start()]);
});
afterAll(async () => {
  await Promise.all([bodhi.stop(), koji.stop()]);
  certs.remove();
});
beforeEach(() => {
  bodhi.clearFaults();
  bodhi.updates.length = 0;
  bodhi.requests.length = 0;
});

describe('bodhi.update', () => {
  it('posts the update with the token and a CSRF token, Packit defaults and extra params', async () => {
    const { context, lines } = testContext();
    const out = (await update().run(
      input({
        extra_params: { type: 'bugfix', severity: 'low', bugs: [123, '456'], autokarma: false },
      }),
      context,
    )) as BodhiUpdateRef;
    expect(out).toEqual({
      alias: bodhi.updates[0]!.alias,
      url: `${bodhi.url}/updates/${bodhi.updates[0]!.alias}`,
      nvr: 'hello-2.1-1.fc45',
      created: true,
    });
    const [post] = bodhi.requestsTo('POST', '/updates/');
    expect(post?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(post?.body).toMatchObject({
      builds: ['hello-2.1-1.fc45'],
      notes: 'New upstream release: 2.1',
      type: 'bugfix',
      severity: 'low',
      bugs: [123, 456],
      autokarma: false,
      csrf_token: expect.stringMatching(/^csrf-/) as unknown,
    });
    expect(lines.map((l) => l.text).join('\n')).toContain(out.alias);
  });

  it('reuses the update that already holds the build: a retry makes no second one', async () => {
    const first = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    const again = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    expect(again).toEqual({ ...first, created: false });
    expect(bodhi.updates).toHaveLength(1);
    expect(bodhi.requestsTo('POST', '/updates/')).toHaveLength(1);
  });

  it('an attempt that failed is retried into one update; later retries reuse it', async () => {
    bodhi.failNext('POST', '/updates/', 502);
    const failed = await rejection(update().run(input(), testContext().context));
    expect([failed.type, failed.nonRetryable]).toEqual(['BodhiUnavailable', false]);
    expect(bodhi.updates).toHaveLength(0);
    const made = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    expect(made.created).toBe(true);
    const again = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    expect(again).toEqual({ ...made, created: false });
    expect(bodhi.updates).toHaveLength(1);
  });

  it('when Bodhi says the build is in an update already, reuses that one', async () => {
    // Another update of this build appears between the look-up and the POST.
    const made = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    bodhi.failNext('GET', '/updates/?builds', 200, 1, {
      body: { updates: [], page: 1, pages: 1, rows_per_page: 20, total: 0 },
    });
    const raced = (await update().run(input(), testContext().context)) as BodhiUpdateRef;
    expect(raced).toEqual({ ...made, created: false });
    expect(bodhi.requestsTo('POST', '/updates/').map((r) => r.status)).toEqual([200, 400]);
    expect(bodhi.updates).toHaveLength(1);
  });

  it("takes the branch's latest build from Koji when no koji_build node gave one", async () => {
    koji.addTaggedBuild('hello-3.0-2.fc45', 'f45-updates-candidate');
    const out = (await update().run(
      input({ koji_build: null }),
      testContext().context,
    )) as BodhiUpdateRef;
    expect(out.nvr).toBe('hello-3.0-2.fc45');
    expect(koji.callsOf('getLatestBuilds').at(-1)?.params).toEqual([
      'f45-updates-candidate',
      { package: 'hello', __starstar: true },
    ]);
    const none = await rejection(
      update().run(input({ package: 'nothing', koji_build: null }), testContext().context),
    );
    expect([none.type, none.nonRetryable]).toEqual(['KojiFault', true]);
  });

  it('fails BodhiAuthError for a refused token, without the token in the message', async () => {
    const error = await rejection(update('not-a-real-token').run(input(), testContext().context));
    expect([error.type, error.nonRetryable]).toEqual(['BodhiAuthError', true]);
    expect(error.message).toContain('FORGEFLOW_BODHI_TOKEN');
    expect(error.message).not.toContain('not-a-real-token');
  });

  it('refuses hostile inputs and unknown extra params before anything is sent', async () => {
    const bad: Partial<BodhiUpdateInput>[] = [
      { koji_build: { nvr: 'hello-1.0' } },
      { koji_build: { nvr: 'other-1.0-1.fc45' } },
      { koji_build: { nvr: 'hello-1.0-1.fc45 ; x' } },
      { package: '../hello' },
      { dist_git_branch: 'f45\nX-Injected: 1' },
      { extra_params: { builds: ['evil-1-1'] } },
      { extra_params: { csrf_token: 'x' } },
      { extra_params: { type: 'whatever' } },
      { extra_params: { stable_karma: 1e9 } },
      { extra_params: { notes: 'x'.repeat(20_000) } },
      { extra_params: { bugs: ['1; DROP'] } },
    ];
    for (const overrides of bad) {
      const error = await rejection(update().run(input(overrides), testContext().context));
      expect([error.type, error.nonRetryable], JSON.stringify(overrides)).toEqual([
        'BodhiBadInput',
        true,
      ]);
    }
    expect(bodhi.requests).toHaveLength(0);
  });

  it('fails NotConfigured without a token, naming the setting', async () => {
    const error = await rejection(update(null).run(input(), testContext().context));
    expect(error.type).toBe('NotConfigured');
    expect(error.message).toContain('FORGEFLOW_BODHI_TOKEN');
  });
});
