/**
 * Front-end 3, the webhook plan run: a GitHub pull_request delivery's `forgeflow.plan` graph
 * (what the intake starts), whose one activity reads the repository's pipeline.yaml at the
 * pull request's commit from the forge, compiles it and starts the pipeline run.
 */
import { registryOf } from '../../../src/compiler/index.js';
import { planGraph } from '../../../src/handlers/plan/plan-graph.js';
import { planHandler } from '../../../src/handlers/plan/plan-handler.js';
import { CONFIG_FILES } from '../../../src/handlers/plan/config-lookup.js';
import { specsOf } from '../../../src/handlers/registry.js';
import { testHandlers } from '../../support/runtime.js';
import { runToEnd, type CaseConfig, type ReplayCase } from '../case.js';
import { MemoryForge } from '../memory-forge.js';
import { githubExampleEvent } from './events.js';

const DELIVERY = 'github:72d3162e-cc78-11e3-81ab-4c9367dc0958';
const EVENT_NAME = 'pull_request';

const config: CaseConfig = {
  file: 'pipeline.yaml',
  text: `version: 1
name: pr-checks
on:
  pull_request: { types: [opened, synchronize] }
jobs:
  lint:
    uses: test.script
    with: { echo: "lint of #\${{ event.pr.number }} at \${{ event.sha }}" }
  unit:
    needs: lint
    uses: test.script
    with: { echo: passed }
`,
};

export const webhookPlanCase: ReplayCase = {
  name: 'webhook-plan',
  covers: 'the forgeflow.plan run of a pull_request delivery, and the pipeline run it starts',
  config,
  event: () => githubExampleEvent(EVENT_NAME, 'pull_request-opened'),
  graph: (_config, event) => planGraph(event, DELIVERY, EVENT_NAME),
  handlers: () => [
    planHandler({
      forges: new MemoryForge('github', { [config.file]: config.text }).clients(),
      handlers: registryOf(specsOf(testHandlers())),
      configFiles: CONFIG_FILES,
      trustedUsers: [],
      publicUrl: 'http://localhost:8080',
      record: () => Promise.resolve(),
    }),
  ],
  drive: runToEnd,
};
