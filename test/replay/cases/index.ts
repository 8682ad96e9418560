/**
 * Every replay case: one per front-end and one per control feature the runtime records in a
 * history. The recorder (scripts/record-replays.ts) and the replay tests both read this list;
 * adding a case here and recording it is all a new one takes.
 */
import type { ReplayCase } from '../case.js';
import { attemptTimeoutCase } from './attempt-timeout.js';
import { cancelCase } from './cancel.js';
import { concurrencyQueueCase } from './concurrency-queue.js';
import { graphFormat1Case } from './graph-format-1.js';
import { ifSkipCase } from './if-skip.js';
import { lostLeaseCase } from './lost-lease.js';
import { packitYamlCase } from './packit-yaml.js';
import { pipelineYamlCase } from './pipeline-yaml.js';
import { pollContinueAsNewCase } from './poll-continue-as-new.js';
import { retryBackoffCase } from './retry-backoff.js';
import { runDeadlineCase } from './run-deadline.js';
import { runRetryCase } from './run-retry.js';
import { signalCase } from './signal.js';
import { timerCase } from './timer.js';
import { webhookPlanCase } from './webhook-plan.js';

export const REPLAY_CASES: readonly ReplayCase[] = [
  // The front-ends.
  pipelineYamlCase,
  packitYamlCase,
  webhookPlanCase,
  // The control features.
  retryBackoffCase,
  attemptTimeoutCase,
  runDeadlineCase,
  cancelCase,
  signalCase,
  timerCase,
  pollContinueAsNewCase,
  ifSkipCase,
  runRetryCase,
  concurrencyQueueCase,
  lostLeaseCase,
  graphFormat1Case,
];
