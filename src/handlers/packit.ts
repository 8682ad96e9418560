/**
 * The handlers Packit jobs compile to (PACKIT_HANDLERS): Copr builds and Testing Farm requests
 * against the configured instances, and NotConfigured placeholders for the job types forgeflow
 * does not integrate. Without a token the Copr and Testing Farm handlers are still registered
 * (a `.packit.yaml` compiles) and fail NotConfigured, naming the setting to add.
 */
import { DEFAULT_COPR_URL, type CoprSettings } from './copr/client.js';
import { coprBuildHandler, coprBuildStatusHandler, coprClientFactory } from './copr/handlers.js';
import { notConfiguredHandlers } from './not-configured.js';
import {
  DEFAULT_TESTING_FARM_ARTIFACTS_URL,
  DEFAULT_TESTING_FARM_URL,
  type TestingFarmSettings,
} from './testing-farm/client.js';
import {
  testingFarmClientFactory,
  testingFarmRequestHandler,
  testingFarmRunHandler,
} from './testing-farm/handlers.js';
import type { Handler } from './types.js';

export type { CoprSettings } from './copr/client.js';
export type { TestingFarmSettings } from './testing-farm/client.js';

export interface PackitSettings {
  copr: CoprSettings;
  testingFarm: TestingFarmSettings;
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
};

/** copr.build, copr.build_status, testing_farm.run, testing_farm.request and the placeholders. */
export function packitHandlers(services: PackitServices): Handler[] {
  const options = {
    ...(services.timeoutMs === undefined ? {} : { timeoutMs: services.timeoutMs }),
    ...(services.now === undefined ? {} : { now: services.now }),
    ...(services.fetch === undefined ? {} : { fetch: services.fetch }),
  };
  const copr = coprClientFactory(services.copr, options);
  const testingFarm = testingFarmClientFactory(services.testingFarm, options);
  return [
    coprBuildHandler(copr),
    coprBuildStatusHandler(copr),
    testingFarmRunHandler(testingFarm),
    testingFarmRequestHandler(testingFarm),
    ...notConfiguredHandlers(),
  ] as Handler[];
}
