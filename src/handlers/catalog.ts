/**
 * The catalog: every handler forgeflow ships, each its spec (the name `uses:` may give and the
 * schema `with:` must fit) and how to make its implementation from the operator's services.
 * Everything derives from this one table: the specs `validate`, `plan`, `run`, `serve` and
 * `worker` check pipelines against, and the handlers every worker runs (cli/service.ts
 * `workerHandlers`). A handler that needs the operator's configuration (Copr and Testing Farm
 * tokens, a forge client) is in it all the same: without that configuration it fails
 * `NotConfigured` when it runs, not when the pipeline is checked. Adding a handler: its own
 * folder or file (spec and implementation), and one entry here.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import { registryOf } from '../contracts/handler-spec.js';
import { coprBuildHandler, coprBuildStatusHandler } from './copr/handlers.js';
import { coprBuildSpec, coprBuildStatusSpec } from './copr/specs.js';
import { bodhiUpdateHandler, bodhiUpdateSpec } from './bodhi/handler.js';
import { kojiBuildHandler, kojiTaskHandler } from './koji/handlers.js';
import { kojiBuildSpec, kojiScratchBuildSpec, kojiTaskSpec } from './koji/specs.js';
import { createExecHandler, execHandler } from './exec.js';
import { execSpec } from './exec-spec.js';
import {
  forgeCommentHandler,
  forgeCommentSpec,
  forgeStatusHandler,
  forgeStatusSpec,
} from './forge-handlers.js';
import type { HandlerServices } from './handler-services.js';
import { httpRequestHandler, httpRequestSpec } from './http-request.js';
import { PLACEHOLDERS, placeholderHandler, placeholderSpec } from './not-configured.js';
import { proposeDownstreamHandler } from './dist-git/handler.js';
import { DEFAULT_DIST_GIT_SETTINGS } from './dist-git/settings.js';
import { proposeDownstreamSpec } from './dist-git/spec.js';
import { testingFarmRequestHandler, testingFarmRunHandler } from './testing-farm/handlers.js';
import { testingFarmRequestSpec, testingFarmRunSpec } from './testing-farm/specs.js';
import type { Handler } from './types.js';

export interface CatalogEntry {
  spec: HandlerSpec;
  /** The implementation, whose `spec` is this entry's. */
  make: (services: HandlerServices) => Handler;
}

/**
 * The general handlers, the forge's, and Packit's (a placeholder per job type not integrated).
 * `s` is the worker's services.
 */
export const CATALOG: readonly CatalogEntry[] = [
  {
    spec: execSpec,
    make: (s) => (s.checkout ? createExecHandler({ checkout: s.checkout }) : execHandler),
  },
  { spec: httpRequestSpec, make: () => httpRequestHandler },
  { spec: forgeStatusSpec, make: (s) => forgeStatusHandler(s.forges) },
  { spec: forgeCommentSpec, make: (s) => forgeCommentHandler(s.forges) },
  { spec: coprBuildSpec, make: (s) => coprBuildHandler(s.copr) },
  { spec: coprBuildStatusSpec, make: (s) => coprBuildStatusHandler(s.copr) },
  { spec: testingFarmRunSpec, make: (s) => testingFarmRunHandler(s.testingFarm) },
  { spec: testingFarmRequestSpec, make: (s) => testingFarmRequestHandler(s.testingFarm) },
  { spec: kojiBuildSpec, make: (s) => kojiBuildHandler(kojiBuildSpec, s.koji, false) },
  {
    spec: kojiScratchBuildSpec,
    make: (s) => kojiBuildHandler(kojiScratchBuildSpec, s.koji, true),
  },
  { spec: kojiTaskSpec, make: (s) => kojiTaskHandler(kojiTaskSpec, s.koji) },
  { spec: bodhiUpdateSpec, make: (s) => bodhiUpdateHandler(s.bodhi, s.koji) },
  {
    spec: proposeDownstreamSpec,
    make: (s) =>
      proposeDownstreamHandler(
        s.distGit ?? { settings: DEFAULT_DIST_GIT_SETTINGS, forges: s.forges },
      ),
  },
  ...PLACEHOLDERS.map(placeholderSpec).map((spec) => ({
    spec,
    make: () => placeholderHandler(spec),
  })),
];

/** Every handler forgeflow ships, as the compiler's checks see them. */
export const BUILT_IN_HANDLERS: readonly HandlerSpec[] = CATALOG.map((entry) => entry.spec);

/** The catalog as the compiler takes it. */
export const builtInRegistry = registryOf(BUILT_IN_HANDLERS);

/** Every entry's implementation, made from one worker's services. */
export function catalogHandlers(services: HandlerServices): Handler[] {
  return CATALOG.map((entry) => entry.make(services));
}
