/**
 * Issue 18's "done when": the real `.packit.yaml` files of public projects (test/fixtures/packit/
 * valid, see its README) are planned for a pull request, a push to the default branch, a push
 * to a dist-git branch, a published release and `/packit build` and `/packit test` comments,
 * and each graph that starts is run to its end on
 * the runtime, on both backends. Planned with the real handlers' specs (every node's input is
 * checked against its handler's schema); run with stand-ins that answer as the services do at
 * once (the real clients have their own tests against fake servers), the handlers forgeflow
 * does not integrate as their real NotConfigured placeholders. A run ends, nothing fails but
 * those placeholders, and every history folds to its run's state.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compilePackit, registryOf } from '../../src/compiler/index.js';
import { PACKIT_HANDLERS } from '../../src/compiler/packit/types.js';
import type { Event } from '../../src/events/event.js';
import { CATALOG } from '../../src/handlers/catalog.js';
import { handlerServices } from '../../src/handlers/handler-services.js';
import { NOT_CONFIGURED, PLACEHOLDERS } from '../../src/handlers/not-configured.js';
import { specsOf } from '../../src/handlers/registry.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { newKit } from '../replay/case.js';
import { CaseDriver } from '../replay/case-driver.js';
import { githubExampleEvent } from '../replay/cases/events.js';
import { packitStandIns } from '../replay/packit-stand-ins.js';
import { testDb, type TestDb } from '../support/db.js';
import { fixturesPath } from '../support/fixtures.js';
import { expectHistoryMatchesState } from '../support/fold-history.js';
import { testHandlers, testRuntime } from '../support/runtime.js';

const FIXTURES = fixturesPath('packit/valid');
const FILES = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));

const EVENTS: Record<string, () => Event> = {
  'a pull request opened': () => githubExampleEvent('pull_request', 'pull_request-opened'),
  'a push to the default branch': () => githubExampleEvent('push', 'push-branch'),
  'a push to dist-git branch f45': () => githubExampleEvent('push', 'push-f45'),
  'a release published': () => githubExampleEvent('release', 'release-published'),
  // manual_trigger jobs (fedora-copr's are all manual) run on these.
  'a /packit build comment': () => packitComment('/packit build'),
  'a /packit test comment': () => packitComment('/packit test'),
};

/** A trusted member's `/packit …` comment on the example pull request, at its head. */
function packitComment(body: string): Event {
  const pr = githubExampleEvent('pull_request', 'pull_request-opened');
  return {
    ...pr,
    kind: 'comment',
    action: 'created',
    comment: { id: 1, body, author: 'maintainer', author_association: 'MEMBER', url: null },
  };
}

/** The real spec of a built-in handler, answered at once as its service would: done. */
function answersDone(name: string): Handler {
  const entry = CATALOG.find((e) => e.spec.name === name);
  if (!entry) throw new Error(`no built-in handler ${name}`);
  return {
    spec: entry.spec,
    run: () =>
      Promise.resolve({
        ended: true,
        state: 'CLOSED',
        task_id: 7,
        nvr: 'pkg-1.0-1.fc45',
        url: `https://service.example/${name}`,
      }),
  };
}

function handlers(): Map<string, Handler> {
  const map = testHandlers();
  const services = handlerServices();
  for (const placeholder of PLACEHOLDERS) {
    const entry = CATALOG.find((e) => e.spec.name === placeholder.handler)!;
    map.set(entry.spec.name, entry.make(services));
  }
  for (const name of [
    PACKIT_HANDLERS.kojiBuild,
    PACKIT_HANDLERS.upstreamKojiBuild,
    PACKIT_HANDLERS.kojiTask,
    PACKIT_HANDLERS.bodhiUpdate,
    PACKIT_HANDLERS.proposeDownstream,
  ])
    map.set(name, answersDone(name));
  for (const handler of packitStandIns()) map.set(handler.spec.name, handler);
  return map;
}

const placeholderNames = new Set(PLACEHOLDERS.map((p) => p.handler));

let db: TestDb;
beforeAll(async () => {
  db = await testDb();
});
afterAll(() => db.close());
afterEach(async () => {
  await db.query('DELETE FROM forgeflow.tasks');
});

const ran: string[] = [];

describe.each(FILES)('%s', (file) => {
  const text = readFileSync(join(FIXTURES, file), 'utf8');

  it.each(Object.keys(EVENTS))('plans and runs %s to its end', async (eventName) => {
    const event = EVENTS[eventName]!();
    const map = handlers();
    const result = compilePackit(text, event, {
      file: '.packit.yaml',
      repoName: event.repo.name,
      handlers: registryOf(specsOf(map)),
    });
    expect(result.status, JSON.stringify(result).slice(0, 2000)).not.toBe('invalid');
    if (result.status !== 'graph') return;
    const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
    const runtime = testRuntime(db, { clock });
    const driver = new CaseDriver(runtime, clock, newKit(), map, result.graph, event);
    try {
      await driver.startWorker();
      const runId = await driver.start();
      await driver.drain();
      const run = await runtime.getRun(runId);
      expect(run?.finished_at, `${file} on ${eventName}: the run ended`).not.toBeNull();
      const byHandler = new Map(
        result.graph.nodes.map((n) => [
          n.id,
          n.action.kind === 'activity' || n.action.kind === 'poll' ? n.action.handler : null,
        ]),
      );
      for (const node of run?.nodes ?? []) {
        const handler = byHandler.get(node.node_id) ?? null;
        if (handler !== null && placeholderNames.has(handler)) {
          expect(node.status, `${node.node_id} (${handler})`).toBe('failed');
          expect(JSON.stringify(node.attempts)).toContain(NOT_CONFIGURED);
        } else
          expect(['succeeded', 'skipped'], `${node.node_id} (${handler}) ended`).toContain(
            node.status,
          );
      }
      await expectHistoryMatchesState(runtime, runId);
      ran.push(`${file} ${eventName}`);
    } finally {
      await runtime.stopWorkers(0);
    }
  });
});

it('ran a graph for every fixture', () => {
  for (const file of FILES)
    expect(
      ran.some((r) => r.startsWith(`${file} `)),
      file,
    ).toBe(true);
});
