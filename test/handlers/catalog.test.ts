/**
 * One handler catalog: `validate` and `plan` check pipelines against handlers/catalog.ts, and
 * the handlers `run`, `serve` and `worker` give their workers and their compiler are exactly
 * those names with those input schemas (plus the operator's). A worker whose handlers differ
 * from the catalog does not start.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { assembleService, checkCatalog, workerHandlers } from '../../src/cli/service.js';
import type { Db } from '../../src/db/db.js';
import { forgeClients } from '../../src/forges/clients.js';
import { BUILT_IN_HANDLERS, builtInRegistry } from '../../src/handlers/catalog.js';
import { forgeHandlers } from '../../src/handlers/forge-handlers.js';
import { DEFAULT_PACKIT_SETTINGS } from '../../src/handlers/packit.js';
import type { Handler } from '../../src/handlers/types.js';
import { FakeClock } from '../../src/runtime/clock.js';
import { PLAN_HANDLER } from '../../src/handlers/plan/plan-graph.js';
import { testContext } from './context.js';

const catalog = [...builtInRegistry.keys()].sort();
const names = (map: ReadonlyMap<string, unknown>) => [...map.keys()].sort();
const schemas = (map: ReadonlyMap<string, Handler>) =>
  Object.fromEntries([...map].map(([name, handler]) => [name, handler.spec.input]));
const catalogSchemas = Object.fromEntries(BUILT_IN_HANDLERS.map((spec) => [spec.name, spec.input]));

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

  it('is what serve and worker run: names and input schemas', () => {
    const served = workerHandlers(DEFAULT_PACKIT_SETTINGS, [], forgeHandlers(forgeClients({})));
    expect(names(served)).toEqual(catalog);
    expect(schemas(served)).toEqual(catalogSchemas);
  });

  it('is what forgeflow run runs, whose forge handlers fail NotConfigured', async () => {
    const local = workerHandlers(DEFAULT_PACKIT_SETTINGS);
    expect(names(local)).toEqual(catalog);
    expect(schemas(local)).toEqual(catalogSchemas);
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

  it("is what serve's API and plan handler compile against (the plan handler is not in it)", () => {
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
    expect(names(service.handlers)).toEqual([...catalog, PLAN_HANDLER].sort());
  });

  it('refuses a worker whose handlers are not the catalog’s', () => {
    const all = [...workerHandlers(DEFAULT_PACKIT_SETTINGS).values()];
    const stray: Handler = {
      spec: { name: 'stray.handler', description: '', input: { type: 'object' } },
      run: () => Promise.resolve(null),
    };
    expect(() => checkCatalog([...all, stray])).toThrow('not in it stray.handler');
    expect(() => checkCatalog(all.filter((h) => h.spec.name !== 'copr.build'))).toThrow(
      'missing copr.build',
    );
    const exec = all.find((h) => h.spec.name === 'exec')!;
    const loose = { ...exec, spec: { ...exec.spec, input: { type: 'object' } } };
    expect(() => checkCatalog(all.map((h) => (h === exec ? loose : h)))).toThrow(
      'other input schema exec',
    );
    expect(() => checkCatalog(all)).not.toThrow();
  });
});
