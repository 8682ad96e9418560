/**
 * A worker posting one status of a reported node: the `forge.status` handler is called with
 * the node's context, the state and a link to the run; its result decides whether the item is
 * done or tried again (report.ts). A run's summary goes the same way through
 * `forge.run_summary`. A worker without forge clients (a local `forgeflow run`, whose
 * forge.status fails NotConfigured) or without that handler has nowhere to post: the
 * statuses (and summaries) are dropped.
 */
import { DEFAULT_HEARTBEAT_EVERY_MS } from '../contracts/heartbeat.js';
import type { Handler, HandlerLogger, HandlerSettings } from '../handlers/types.js';
import { NOT_CONFIGURED } from '../handlers/not-configured.js';
import { errorInfo, toErrorInfo, type ErrorInfo } from '../contracts/errors.js';
import { NO_LOG } from '../contracts/node-log.js';
import type { RunControl } from '../contracts/run-control.js';
import type { Engine } from './engine.js';
import {
  finishReport,
  isRunSummary,
  RUN_SUMMARY_HANDLER,
  STATUS_HANDLER,
  statusInput,
  type ClaimedReport,
} from './report.js';

export interface ReportDeps {
  engine: Engine;
  worker: string;
  handlers: ReadonlyMap<string, Handler>;
  handlerSettings: HandlerSettings;
  logger: HandlerLogger;
  runs: RunControl;
}

export async function deliverReport(
  deps: ReportDeps,
  report: ClaimedReport,
  signal: AbortSignal,
): Promise<void> {
  const { item } = report;
  const summary = isRunSummary(item);
  const name = summary ? RUN_SUMMARY_HANDLER : STATUS_HANDLER;
  const handler = deps.handlers.get(name);
  let error: ErrorInfo | null = null;
  if (!handler) {
    error = errorInfo(
      'HandlerNotFound',
      `no "${name}" handler on worker ${deps.worker}: ${summary ? 'run summaries' : 'statuses'} are not posted`,
      { nonRetryable: true },
    );
  } else {
    const publicUrl = deps.engine.settings.publicUrl;
    try {
      await handler.run(summary ? item.summary : statusInput({ ...report, item }, publicUrl), {
        runId: report.run.id,
        nodeId: report.nodeId,
        attempt: report.failures + 1,
        signal,
        logger: deps.logger,
        log: NO_LOG,
        heartbeat: () => Promise.resolve(),
        heartbeatEveryMs: DEFAULT_HEARTBEAT_EVERY_MS,
        sleep: (ms, until) =>
          deps.engine.clock.sleep(ms, until ? AbortSignal.any([signal, until]) : signal),
        lastHeartbeatDetails: null,
        event: report.run.event,
        settings: deps.handlerSettings,
        runs: deps.runs,
      });
    } catch (thrown) {
      error = toErrorInfo(thrown);
      // NotConfigured: the forge.status of a worker without forge clients (a local
      // `forgeflow run`), which has nowhere to post, as a worker without the handler.
      deps.logger[error.type === NOT_CONFIGURED ? 'debug' : 'warn'](
        { run: report.run.id, node: report.nodeId, state: summary ? name : item.state, err: error },
        summary ? 'could not post a run summary' : 'could not post a status',
      );
    }
  }
  // Recording the outcome retries a failing database; the lease's sweep is the last resort.
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      const outcome = await finishReport(deps.engine, deps.worker, report, error);
      deps.engine.events.emit(
        summary
          ? { type: 'summary:finished', runId: report.run.id, outcome }
          : {
              type: 'status:finished',
              runId: report.run.id,
              nodeId: report.nodeId,
              state: item.state,
              outcome,
            },
      );
      return;
    } catch (failure) {
      deps.logger.warn({ err: failure, worker: deps.worker }, 'could not record a status post');
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
