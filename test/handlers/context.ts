/**
 * A real HandlerContext for handler tests: an AbortController the test drives, a logger and a
 * heartbeat that record what they get, and a manual event.
 */
import { manualEvent } from '../../src/forges/normalize.js';
import type { HandlerContext, HandlerSettings } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import type { LogStream } from '../../src/contracts/node-log.js';
import type { RunControl } from '../../src/contracts/run-control.js';

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export interface TestContext {
  context: HandlerContext;
  controller: AbortController;
  logs: LogLine[];
  /** What the handler wrote to its node's log (context.log), in order. */
  lines: { stream: LogStream; text: string }[];
  heartbeats: unknown[];
}

export function testContext(settings: Partial<HandlerSettings> = {}): TestContext {
  const controller = new AbortController();
  const logs: LogLine[] = [];
  const heartbeats: unknown[] = [];
  const lines: TestContext['lines'] = [];
  const log =
    (level: LogLine['level']) =>
    (obj: object, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  const context: HandlerContext = {
    runId: 'run-test',
    nodeId: 'job',
    attempt: 1,
    signal: controller.signal,
    logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    log: { line: (stream, text) => void lines.push({ stream, text }) },
    heartbeat: (details?: unknown) => {
      heartbeats.push(details);
      return Promise.resolve();
    },
    heartbeatEveryMs: 10_000,
    sleep: (ms, until) =>
      new Promise((resolve) => {
        const signals = until ? AbortSignal.any([controller.signal, until]) : controller.signal;
        if (signals.aborted) return resolve();
        const timer = setTimeout(resolve, ms);
        signals.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      }),
    lastHeartbeatDetails: undefined,
    event: manualEvent({ repo: 'acme/widgets', sha: 'a'.repeat(40), ref: 'main' }),
    settings: { execAllow: ['*'], secrets: {}, ...settings },
    runs: noRuns,
  };
  return { context, controller, logs, lines, heartbeats };
}

/** Handler tests run no runtime: a handler that reaches for runs fails the test loudly. */
const noRuns: RunControl = {
  start: () => unavailable(),
  latestRunOf: () => unavailable(),
  previousNodes: () => unavailable(),
  runsAt: () => unavailable(),
  retry: () => unavailable(),
  cancel: () => unavailable(),
  signal: () => unavailable(),
};

function unavailable(): Promise<never> {
  return Promise.reject(new Error('this handler test gives the handler no run control'));
}

/** The HandlerError a promise rejects with (and a failure if it does anything else). */
export async function rejection(promise: Promise<unknown>): Promise<HandlerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HandlerError))
    throw new Error(`expected a HandlerError, got ${String(error)}`);
  return error;
}
