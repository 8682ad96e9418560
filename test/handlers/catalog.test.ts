/**
 * One handler catalog: `validate` and `plan` check pipelines against the specs of
 * handlers/catalog.ts, and the handlers `run`, `serve` and `worker` give their workers and
 * their compiler are made from the same entries, so they have exactly those specs (plus the
 * operator's). The derivation is held here: each entry's made handler carries the entry's own
 * spec, and no two entries share a name.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { assembleService, workerHandlers } from '../../src/cli/service.js';
import type { Db } from '../../src/db/db.js';
import { forgeClients } from '../../src/forges/clients.js';
import {
  BUILT_IN_HANDLERS,
  builtInRegistry,
  CATALOG,
  type CatalogEntry,
} from '../../src/handlers/catalog.js';
import {
  DEFAULT_PACKIT_SETTINGS,
  handlerServices,
  type HandlerServices,
} from '../../src/handlers/handler-services.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { PLAN_HANDLER } from '../../src/handlers/plan/plan-graph.js';
import { RUN_SUMMARY_HANDLER } from '../../src/contracts/report-facts.js';
import { testContext } from './context.js';

const catalog = [...builtInRegistry.keys()].sort();
const names = (map: ReadonlyMap<string, unknown>) => [...map.keys()].sort();
const specByName = new Map(BUILT_IN_HANDLERS.map((spec) => [spec.name, spec]));

/** The names whose handler does not carry the catalog's spec object for that name. */
const otherSpecs = (handlers: Iterable<Handler>) =>
  [...handlers].filter((h) => specByName.get(h.spec.name) !== h.spec).map((h) => h.spec.name);

/** The entries whose made handler does not carry the entry's own spec. */
const misMade = (entries: readonly CatalogEntry[], services: HandlerServices) =>
  entries.filter((entry) => entry.make(services).spec !== entry.spec).map((e) => e.spec.name);

const configured = handlerServices({
  forges: forgeClients({}),
  packit: {
    copr: { ...DEFAULT_PACKIT_SETTINGS.copr, login: 'me', token: 'copr-token' },
    testingFarm: { ...DEFAULT_PACKIT_SETTINGS.testingFarm, token: 'tf-token' },
  },
});

describe('the handler catalog', () => {
  it('holds every handler forgeflow ships, Copr, Testing Farm and the Packit placeholders too', () => {
    expect(catalog).toEqual(
      expect.arrayContaining([
        'exec',
        'http.request',
        'forge.status',
        'forge.comment',
        'copr.build',
        'copr.build_status',
        'testing_farm.run',
        'testing_farm.request',
        'koji.build',
        'bodhi.update',
      ]),
    );
    expect(catalog).not.toContain(PLAN_HANDLER);
  });

  it("makes each entry's handler with the entry's own spec, with or without services", () => {
    expect(misMade(CATALOG, handlerServices())).toEqual([]);
    expect(misMade(CATALOG, configured)).toEqual([]);
    // The check sees a mismatch: an entry whose factory makes another handler.
    const [exec, http] = CATALOG;
    expect(misMade([{ spec: exec!.spec, make: http!.make }], configured)).toEqual(['exec']);
  });

  it('names each handler once', () => {
    const all = CATALOG.map((entry) => entry.spec.name);
    expect(new Set(all).size).toBe(all.length);
    expect(builtInRegistry.size).toBe(CATALOG.length);
  });

  it('is what serve and worker run: names and specs', () => {
    const served = workerHandlers(configured);
    expect(names(served)).toEqual(catalog);
    expect(otherSpecs(served.values())).toEqual([]);
  });

  it('is what forgeflow run runs, whose forge handlers fail NotConfigured', async () => {
    const local = workerHandlers(handlerServices());
    expect(names(local)).toEqual(catalog);
    expect(otherSpecs(local.values())).toEqual([]);
    const error = await local
      .get('forge.comment')!
      .run({ body: 'hi' }, testContext().context)
      .then(
        () => undefined,
        (e: unknown) => e as { type: string; nonRetryable: boolean; message: string },
      );
    expect([error?.type, error?.nonRetryable]).toEqual(['NotConfigured', true]);
    expect(error?.message).toContain('forge.comment needs a forge client');
  });

  it("is what serve's API and plan handler compile against (forgeflow's own handlers are not in it)", () => {
    const service = assembleService(
      {} as Db, // nothing here reads the database: only the handlers are looked at
      {
        publicUrl: 'http://forgeflow.test',
        forges: {},
        configFiles: ['pipeline.yaml'],
        trustedUsers: [],
        execAllow: null,
        concurrency: 1,
      },
      { clock: new FakeClock(0), logger: pino({ level: 'silent' }) },
    );
    expect(names(service.compilerHandlers)).toEqual(catalog);
    // The plan step and the run summary: workers run them, no pipeline may name them.
    const own = [PLAN_HANDLER, RUN_SUMMARY_HANDLER];
    expect(names(service.handlers)).toEqual([...catalog, ...own].sort());
    expect(
      otherSpecs([...service.handlers.values()].filter((h) => !own.includes(h.spec.name))),
    ).toEqual([]);
  });
});
