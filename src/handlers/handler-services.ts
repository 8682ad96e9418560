/**
 * What the catalog's entries make their handlers from (catalog.ts `make`): the operator's
 * services, built once per worker from its settings, so that two handlers of one service (a
 * build and its poll) share one client. A service that is not configured is still there: the
 * handlers using it fail NotConfigured when they run, naming the setting to add.
 */
import type { ForgeClients } from '../forges/clients.js';
import type { CheckoutSource } from './checkout/source.js';
import { DEFAULT_COPR_URL, type CoprClient, type CoprSettings } from './copr/client.js';
import { coprClientFactory } from './copr/handlers.js';
import {
  DEFAULT_TESTING_FARM_ARTIFACTS_URL,
  DEFAULT_TESTING_FARM_URL,
  type TestingFarmClient,
  type TestingFarmSettings,
} from './testing-farm/client.js';
import { testingFarmClientFactory } from './testing-farm/handlers.js';
import { DEFAULT_BODHI_URL, type BodhiClient, type BodhiSettings } from './bodhi/client.js';
import { DEFAULT_KOJI_URL, type KojiClient, type KojiSettings } from './koji/client.js';
import { bodhiClientFactory, kojiClientFactory } from './koji/factory.js';
import type { DistGitServices } from './dist-git/handler.js';
import { DEFAULT_DIST_GIT_SETTINGS, type DistGitSettings } from './dist-git/settings.js';

export type { CoprSettings } from './copr/client.js';
export type { TestingFarmSettings } from './testing-farm/client.js';
export type { KojiSettings } from './koji/client.js';
export type { BodhiSettings } from './bodhi/client.js';
export type { DistGitSettings } from './dist-git/settings.js';

export interface HandlerServices {
  /** The forges' clients; null where there are none (`forgeflow run`). */
  forges: ForgeClients | null;
  /** Copr's client, made on first use; without a token it throws NotConfigured. */
  copr: () => CoprClient;
  /** Testing Farm's client, made on first use; without a token it throws NotConfigured. */
  testingFarm: () => TestingFarmClient;
  /** Koji's client; reads need nothing, builds fail NotConfigured without a client certificate. */
  koji: () => KojiClient;
  /** Bodhi's client, made on first use; without a token it throws NotConfigured. */
  bodhi: () => BodhiClient;
  /** Where exec's `checkout:` gets repositories (with the forge credentials it may use). */
  checkout?: CheckoutSource;
  /** propose_downstream's dist-git, Pagure and lookaside settings; unset: NotConfigured. */
  distGit?: DistGitServices;
}

/** The instances Packit jobs talk to, and the operator's credentials for them. */
export interface PackitSettings {
  copr: CoprSettings;
  testingFarm: TestingFarmSettings;
  /** Absent: Fedora's hub, no certificate (builds fail NotConfigured). */
  koji?: KojiSettings;
  /** Absent: Fedora's Bodhi, no token (updates fail NotConfigured). */
  bodhi?: BodhiSettings;
  /** FORGEFLOW_DISTGIT_*, FORGEFLOW_PAGURE_TOKEN, FORGEFLOW_LOOKASIDE_*. */
  distGit?: DistGitSettings;
}

export interface PackitServices extends PackitSettings {
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** For Retry-After dates. */
  now?: () => number;
  fetch?: typeof fetch;
}

/** Public Copr and Testing Farm, no credentials: every Packit handler fails NotConfigured. */
export const DEFAULT_PACKIT_SETTINGS: PackitSettings = {
  copr: { url: DEFAULT_COPR_URL, login: null, token: null, owner: null },
  testingFarm: {
    url: DEFAULT_TESTING_FARM_URL,
    token: null,
    artifactsUrl: DEFAULT_TESTING_FARM_ARTIFACTS_URL,
  },
  koji: { url: DEFAULT_KOJI_URL, webUrl: null, cert: null, key: null, ca: null },
  bodhi: { url: DEFAULT_BODHI_URL, token: null },
  distGit: DEFAULT_DIST_GIT_SETTINGS,
};

/**
 * A worker's services, built once. By default none is configured: the forge and Packit
 * handlers made from them fail NotConfigured when they run.
 */
export function handlerServices(
  given: { packit?: PackitServices; forges?: ForgeClients | null; checkout?: CheckoutSource } = {},
): HandlerServices {
  const packit: PackitServices = given.packit ?? DEFAULT_PACKIT_SETTINGS;
  const options = {
    ...(packit.timeoutMs === undefined ? {} : { timeoutMs: packit.timeoutMs }),
    ...(packit.now === undefined ? {} : { now: packit.now }),
    ...(packit.fetch === undefined ? {} : { fetch: packit.fetch }),
  };
  return {
    forges: given.forges ?? null,
    copr: coprClientFactory(packit.copr, options),
    testingFarm: testingFarmClientFactory(packit.testingFarm, options),
    koji: kojiClientFactory(
      packit.koji ?? DEFAULT_PACKIT_SETTINGS.koji!,
      packit.timeoutMs === undefined ? {} : { timeoutMs: packit.timeoutMs },
    ),
    bodhi: bodhiClientFactory(packit.bodhi ?? DEFAULT_PACKIT_SETTINGS.bodhi!, options),
    ...(given.checkout ? { checkout: given.checkout } : {}),
    distGit: {
      settings: packit.distGit ?? DEFAULT_DIST_GIT_SETTINGS,
      forges: given.forges ?? null,
      ...(given.checkout ? { checkout: given.checkout } : {}),
      ...options,
    },
  };
}
