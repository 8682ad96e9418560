/**
 * What a handler is and what it receives. The runtime owns the AbortSignal, the heartbeat and
 * the attempt bookkeeping; a handler only reads its input and context and returns an output or
 * throws a HandlerError saying whether a retry could help.
 */
import type { HandlerSpec } from '../contracts/handler-spec.js';
import type { NodeLog } from '../contracts/node-log.js';
import type { RunControl } from '../contracts/run-control.js';
import type { Event } from '../events/event.js';
import type { SandboxSettings } from './sandbox/settings.js';

export interface HandlerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Operator settings handlers read (never from pipelines: a pipeline cannot widen them). */
export interface HandlerSettings {
  /**
   * Programs `exec` may run: names (looked up on PATH) or absolute paths. `null` means exec is
   * disabled; `['*']` allows anything (what `forgeflow run` on one's own machine uses).
   */
  execAllow: readonly string[] | null;
  /** Where `exec` steps run (src/handlers/sandbox); unset: the namespace sandbox's defaults. */
  execSandbox?: SandboxSettings;
  /** Secrets from the server's environment (forge tokens, …), by name. */
  secrets: Readonly<Record<string, string>>;
}

export interface HandlerContext {
  runId: string;
  nodeId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted on timeout, cancel or worker shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  logger: HandlerLogger;
  /** The node's live log (what the API, the CLI and the page show); masked and bounded. */
  log: NodeLog;
  /** Records progress; resets the heartbeat timeout. The details reach the next attempt. */
  heartbeat(details?: unknown): Promise<void>;
  /**
   * How often a handler that runs long should heartbeat: a third of the node's
   * heartbeat_timeout, 1–10 s (10 s without one; src/contracts/heartbeat.ts).
   */
  heartbeatEveryMs: number;
  /**
   * Waits `ms` on the runtime's clock (tests move it instead of waiting); ends early when
   * `signal` or the attempt's own signal aborts.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Details of the last heartbeat of this node, from this or an earlier attempt. */
  lastHeartbeatDetails: unknown;
  /** The run's event (repository, commit, pull request). */
  event: Event;
  settings: HandlerSettings;
  /** What the handler may do to runs (the plan step starts them; others rarely need it). */
  runs: RunControl;
}

export interface Handler<Input = unknown, Output = unknown> {
  spec: HandlerSpec;
  run(input: Input, context: HandlerContext): Promise<Output>;
}
