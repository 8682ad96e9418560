/**
 * The Packit handlers: every name the compiler emits is in the catalog, the inputs the graph
 * builder writes fit the specs, the placeholders fail NotConfigured saying what to register,
 * operator handlers replace placeholders and nothing else, the settings come from the
 * environment, and tf_extra_params merge the way Packit merges them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/cli/io.js';
import { loadOperatorHandlers, workerHandlers } from '../../src/cli/service.js';
import { readPackitSettings } from '../../src/cli/settings.js';
import type {
  CoprBuildInput,
  PackitJobInput,
  TestingFarmRunInput,
  KojiBuildInput,
  KojiTaskState,
  BodhiUpdateInput,
} from '../../src/compiler/packit/handler-inputs.js';
import { PACKIT_HANDLERS } from '../../src/compiler/packit/types.js';
import { handlerRuntimeValidator } from '../../src/contracts/handler-input.js';
import { isPlaceholder } from '../../src/handlers/not-configured.js';
import { DEFAULT_PACKIT_SETTINGS, handlerServices } from '../../src/handlers/handler-services.js';
import { builtInHandlers } from '../../src/handlers/registry.js';
import { mergeExtraParams } from '../../src/handlers/testing-farm/request-body.js';
import type { Handler } from '../../src/handlers/types.js';
import { testContext } from './context.js';
import { coprBuildInput, rejection, testingFarmRunInput } from './packit-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'forgeflow-packit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const handlers = builtInHandlers();

function fits(name: string, input: unknown): string[] {
  const validate = handlerRuntimeValidator(handlers.get(name)!.spec.input);
  return validate(structuredClone(input))
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('the Packit handlers', () => {
  it('are in the catalog, every handler the compiler names', () => {
    expect([...handlers.keys()]).toEqual(expect.arrayContaining(Object.values(PACKIT_HANDLERS)));
  });

  it('accepts the inputs the graph builder writes (handler-inputs.ts)', () => {
    const build: CoprBuildInput = coprBuildInput({ specfile_path: null, bootstrap: null });
    expect(fits('copr.build', build)).toEqual([]);
    const tests: TestingFarmRunInput = testingFarmRunInput({
      extra_params: { environments: [{ hardware: { memory: '>= 4 GB' } }] },
    });
    const ref = tests.copr_build!;
    expect(fits('copr.build_status', ref)).toEqual([]);
    // A poll may get back its own earlier output; that fits too.
    expect(fits('copr.build_status', { ...ref, state: 'running', ended: false })).toEqual([]);
    expect(fits('testing_farm.run', tests)).toEqual([]);
    expect(fits('testing_farm.run', { ...tests, copr_build: null })).toEqual([]);
    expect(fits('testing_farm.request', { request_id: 'r-1', url: 'u' })).toEqual([]);
    const job: PackitJobInput = {
      job: 'koji_build',
      trigger: 'commit',
      package: 'widgets',
      target: 'f41',
      identifier: null,
      config: { downstream_package_name: 'widgets' },
    };
    // propose_downstream's input is that and more (propose-downstream.test.ts).
    for (const name of Object.values(PACKIT_HANDLERS).filter(
      (n) =>
        (!/^(copr|testing_farm|koji|bodhi)\./.test(n) || n === PACKIT_HANDLERS.kojiBuildTag) &&
        n !== PACKIT_HANDLERS.proposeDownstream,
    ))
      expect(fits(name, job)).toEqual([]);
    const koji: KojiBuildInput = {
      package: 'widgets',
      target: 'f41-candidate',
      repository: 'https://src.fedoraproject.org/rpms/widgets.git',
      commit: 'a'.repeat(40),
      scratch: false,
      dist_git_branch: 'f41',
    };
    expect(fits('koji.build', koji)).toEqual([]);
    expect(fits('koji.scratch_build', { ...koji, dist_git_branch: null })).toEqual([]);
    const task: KojiTaskState = {
      task_id: 7,
      url: 'u',
      package: 'widgets',
      target: 'f41-candidate',
      scratch: false,
      dist_git_branch: 'f41',
      state: 'CLOSED',
      ended: true,
      nvr: 'widgets-1-1.fc41',
      build_id: 3,
    };
    expect(fits('koji.task', task)).toEqual([]);
    const update: BodhiUpdateInput = {
      package: 'widgets',
      dist_git_branch: 'f41',
      koji_build: task,
      extra_params: { type: 'bugfix' },
    };
    expect(fits('bodhi.update', update)).toEqual([]);
    expect(fits('bodhi.update', { ...update, koji_build: null })).toEqual([]);
  });

  it('refuses inputs a build cannot run from', () => {
    expect(fits('copr.build', { project: 'p' })).not.toEqual([]);
    expect(fits('testing_farm.run', { fmf_url: 'u', fmf_ref: 'r', environments: [] })).not.toEqual(
      [],
    );
  });
});

describe('NotConfigured placeholders', () => {
  const cases: [string, string, string][] = [
    [PACKIT_HANDLERS.kojiBuildTag, 'Koji', 'koji_build_tag'],
    [PACKIT_HANDLERS.pullFromUpstream, 'Fedora dist-git', 'pull_from_upstream'],
    [PACKIT_HANDLERS.syncFromDownstream, 'Fedora dist-git', 'sync_from_downstream'],
    [PACKIT_HANDLERS.vmImageBuild, 'Image Builder', 'vm_image_build'],
  ];
  for (const [name, system, job] of cases) {
    it(`${name} fails for good, saying to register ${name} for ${job} jobs`, async () => {
      const error = await rejection(
        handlers.get(name)!.run(
          {
            job,
            trigger: 'commit',
            package: 'widgets',
            target: 'f41',
            identifier: null,
            config: {},
          },
          testContext().context,
        ),
      );
      expect([error.type, error.nonRetryable]).toEqual(['NotConfigured', true]);
      expect(error.message).toBe(
        `forgeflow has no ${system} integration: register a handler named ${name} (forgeflow serve --handlers ./my-handlers.js) to run ${job} jobs (this one: package widgets, target f41)`,
      );
    });
  }
});

describe('operator handlers (--handlers)', () => {
  const mine = (name: string): Handler => ({
    spec: { name, description: 'mine', input: { type: 'object' } },
    run: () => Promise.resolve({ mine: name }),
  });

  it('replace a placeholder and add new names; every other handler stays', async () => {
    const all = workerHandlers(handlerServices(), [mine('koji.tag'), mine('acme.sign')]);
    expect(all.get('koji.tag')?.spec.description).toBe('mine');
    expect(await all.get('koji.tag')!.run({}, testContext().context)).toEqual({
      mine: 'koji.tag',
    });
    expect(all.has('acme.sign')).toBe(true);
    expect(isPlaceholder(all.get('image_builder.build')!)).toBe(true);
    expect([...all.keys()]).toEqual(expect.arrayContaining(['exec', 'http.request', 'copr.build']));
  });

  it('may not replace a handler forgeflow has', () => {
    for (const name of ['exec', 'copr.build', 'testing_farm.run', 'koji.build', 'bodhi.update']) {
      expect(() => workerHandlers(handlerServices(), [mine(name)])).toThrow(UsageError);
      expect(() => workerHandlers(handlerServices(), [mine(name)])).toThrow(
        `"${name}" is a handler forgeflow has`,
      );
    }
  });

  it('load from an ES module: a list, or a function given HandlerError', async () => {
    const list = join(dir, 'list.mjs');
    writeFileSync(
      list,
      `export default [{ spec: { name: 'bodhi.update', input: { type: 'object' } }, async run(input) { return { got: input }; } }];\n`,
    );
    const [bodhi] = await loadOperatorHandlers(list);
    expect(bodhi?.spec).toEqual({
      name: 'bodhi.update',
      description: '',
      input: { type: 'object' },
    });
    expect(await bodhi!.run({ a: 1 }, testContext().context)).toEqual({ got: { a: 1 } });

    const factory = join(dir, 'factory.mjs');
    writeFileSync(
      factory,
      `export default async ({ HandlerError }) => [{
  spec: { name: 'koji.tag', description: 'tags', input: {} },
  run: async () => { throw new HandlerError('KojiDown', 'no Koji today', { retryAfterMs: 5000 }); },
}];\n`,
    );
    const [tag] = await loadOperatorHandlers('factory.mjs', dir);
    const error = await rejection(tag!.run({}, testContext().context));
    expect([error.type, error.retryAfterMs, error.nonRetryable]).toEqual(['KojiDown', 5000, false]);
  });

  it('refuse a module that is missing, exports no list, or has a broken or repeated handler', async () => {
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string, RegExp][] = [
      [join(dir, 'absent.mjs'), /cannot load it/],
      [write('syntax.mjs', 'export default [;\n'), /cannot load it/],
      [write('object.mjs', 'export default {};\n'), /must be an array of handlers/],
      [write('none.mjs', 'export const x = 1;\n'), /must be an array of handlers/],
      [write('broken.mjs', 'export default [{ spec: { name: "x" } }];\n'), /handler 0 needs/],
      [
        write(
          'twice.mjs',
          'const h = { spec: { name: "x", input: {} }, run: async () => 1 };\nexport default [h, h];\n',
        ),
        /"x" is there twice/,
      ],
    ];
    for (const [file, message] of cases) {
      const error = await loadOperatorHandlers(file).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('settings', () => {
  it('reads FORGEFLOW_COPR_* and FORGEFLOW_TESTING_FARM_*, with public defaults', () => {
    expect(readPackitSettings({})).toEqual(DEFAULT_PACKIT_SETTINGS);
    expect(DEFAULT_PACKIT_SETTINGS.copr.url).toBe('https://copr.fedorainfracloud.org');
    expect(DEFAULT_PACKIT_SETTINGS.testingFarm.url).toBe('https://api.testing-farm.io');
    expect(
      readPackitSettings({
        FORGEFLOW_COPR_URL: 'https://copr.example',
        FORGEFLOW_COPR_LOGIN: 'l',
        FORGEFLOW_COPR_TOKEN: ' t ',
        FORGEFLOW_COPR_OWNER: '@group',
        FORGEFLOW_TESTING_FARM_URL: 'https://tf.example',
        FORGEFLOW_TESTING_FARM_TOKEN: 'k',
        FORGEFLOW_TESTING_FARM_ARTIFACTS_URL: 'https://artifacts.example',
        FORGEFLOW_KOJI_URL: 'https://koji.example/kojihub',
        FORGEFLOW_KOJI_CERT: '/etc/forgeflow/koji.pem',
        FORGEFLOW_KOJI_CA: '/etc/forgeflow/koji-ca.pem',
        FORGEFLOW_BODHI_URL: 'https://bodhi.example',
        FORGEFLOW_BODHI_TOKEN: 'b',
      }),
    ).toMatchObject({
      copr: { url: 'https://copr.example', login: 'l', token: 't', owner: '@group' },
      testingFarm: {
        url: 'https://tf.example',
        token: 'k',
        artifactsUrl: 'https://artifacts.example',
      },
      koji: {
        url: 'https://koji.example/kojihub',
        webUrl: null,
        cert: '/etc/forgeflow/koji.pem',
        key: null,
        ca: '/etc/forgeflow/koji-ca.pem',
      },
      bodhi: { url: 'https://bodhi.example', token: 'b' },
    });
  });
});

describe("tf_extra_params: Packit's merge", () => {
  function merged(target: unknown, extra: unknown): unknown {
    const copy = structuredClone(target);
    mergeExtraParams(copy, extra);
    return copy;
  }

  it('sets missing keys and scalars, merges objects key by key, never puts an object over a scalar', () => {
    expect(
      merged({ a: { b: 1, c: 2 }, d: 'x' }, { a: { c: 3, e: 4 }, d: { y: 1 }, f: [1] }),
    ).toEqual({ a: { b: 1, c: 3, e: 4 }, d: 'x', f: [1] });
  });

  it('merges lists element by element, dropping extra elements, and never replaces scalars in lists', () => {
    expect(merged([{ a: 1 }, { b: 2 }], [{ c: 3 }])).toEqual([{ a: 1, c: 3 }, { b: 2 }]);
    expect(merged([{ a: 1 }], [{ c: 3 }, { d: 4 }])).toEqual([{ a: 1, c: 3 }]);
    expect(merged({ l: ['x', 'y'] }, { l: ['z'] })).toEqual({ l: ['x', 'y'] });
  });

  it('appends to artifacts instead of replacing them, and ignores values of another shape', () => {
    expect(merged({ artifacts: [{ id: 1 }] }, { artifacts: [{ id: 2 }] })).toEqual({
      artifacts: [{ id: 1 }, { id: 2 }],
    });
    expect(merged({ o: { a: 1 } }, { o: [1, 2] })).toEqual({ o: { a: 1 } });
    expect(merged({ l: [1] }, { l: { a: 1 } })).toEqual({ l: [1] });
  });

  it('does not share objects with the extra params', () => {
    const extra = { hardware: { memory: '1 GB' } };
    const target: Record<string, unknown> = {};
    mergeExtraParams(target, extra);
    extra.hardware.memory = 'changed';
    expect(target).toEqual({ hardware: { memory: '1 GB' } });
  });
});
