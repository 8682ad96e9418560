/** What the Packit handler tests share: the handlers against given fakes, and a rejection. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { catalogHandlers } from '../../src/handlers/catalog.js';
import {
  DEFAULT_PACKIT_SETTINGS,
  handlerServices,
  type PackitSettings,
} from '../../src/handlers/handler-services.js';
import type {
  CoprBuildInput,
  TestingFarmRunInput,
} from '../../src/compiler/packit/handler-inputs.js';
import type { Handler } from '../../src/handlers/types.js';

export const COPR_LOGIN = 'api-login-x9';
export const COPR_TOKEN = 'copr-token-5ecret-value';
export const TF_TOKEN = 'tf-api-key-5ecret-value';

export interface PackitUnderTest {
  copr?: Partial<PackitSettings['copr']>;
  testingFarm?: Partial<PackitSettings['testingFarm']>;
  timeoutMs?: number;
}

/** The catalog's handlers by name, the Packit ones configured against the fakes' URLs. */
export function packitByName(settings: PackitUnderTest): Map<string, Handler> {
  const packit = {
    copr: { ...DEFAULT_PACKIT_SETTINGS.copr, ...settings.copr },
    testingFarm: { ...DEFAULT_PACKIT_SETTINGS.testingFarm, ...settings.testingFarm },
    timeoutMs: settings.timeoutMs ?? 5_000,
  };
  const handlers = catalogHandlers(handlerServices({ packit }));
  return new Map(handlers.map((handler) => [handler.spec.name, handler]));
}

export { rejection } from './context.js';

/** The URL of a port nothing listens on any more (for network failures). */
export async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A copr.build input as the graph builder writes it. */
export function coprBuildInput(overrides: Partial<CoprBuildInput> = {}): CoprBuildInput {
  return {
    owner: null,
    project: 'acme-widgets-7',
    chroots: ['fedora-41-x86_64'],
    clone_url: 'https://github.com/acme/widgets.git',
    committish: '0123456789abcdef0123456789abcdef01234567',
    subdirectory: '.',
    specfile_path: 'widgets.spec',
    package: 'widgets',
    srpm_build_deps: ['python3-setuptools', 'make'],
    timeout_s: 3600,
    enable_net: true,
    bootstrap: 'on',
    additional_packages: [],
    additional_repos: [],
    additional_modules: null,
    with_opts: [],
    without_opts: [],
    chroot_settings: {},
    module_hotfixes: false,
    preserve_project: false,
    list_on_homepage: false,
    description: 'Builds of acme/widgets #7 by forgeflow',
    ...overrides,
  };
}

/** A testing_farm.run input as the graph builder writes it. */
export function testingFarmRunInput(
  overrides: Partial<TestingFarmRunInput> = {},
): TestingFarmRunInput {
  return {
    fmf_url: 'https://github.com/acme/widgets',
    fmf_ref: '0123456789abcdef0123456789abcdef01234567',
    fmf_path: 'tests',
    tmt_plan: '^/plans/smoke',
    environments: [{ compose: 'Fedora-41', arch: 'x86_64' }],
    copr_build: {
      build_id: 8123456,
      owner: 'alice',
      project: 'acme-widgets-7',
      chroot: 'fedora-41-x86_64',
      url: 'https://copr.example/coprs/alice/acme-widgets-7/build/8123456/',
    },
    variables: { MODE: 'ci' },
    tmt_context: { distro: 'fedora-41', arch: 'x86_64', trigger: 'commit' },
    post_install_script: 'dnf -y install jq',
    extra_params: {},
    ...overrides,
  };
}
