/**
 * Typed runtime events, emitted after the transaction that caused them commits. Tests await
 * them instead of sleeping (`await events.next('run:finished', (e) => e.runId === id)`), and
 * they feed the metrics (metrics/runtime-metrics.ts) and the run's spans (tracing/).
 */
import { EventEmitter } from 'node:events';
import type { ErrorInfo } from '../contracts/errors.js';
import type { RunStatus, StopStatus } from './states.js';

export type RuntimeEvent =
  | { type: 'run:started'; runId: string; pipeline: string; repo: string }
  /** `startedAt` and `at`: when it began running (or was created) and ended, clock ms. */
  | {
      type: 'run:finished';
      runId: string;
      status: RunStatus;
      pipeline: string;
      repo: string;
      startedAt: number;
      at: number;
    }
  | { type: 'node:scheduled'; runId: string; nodeId: string; attempt: number }
  | { type: 'node:started'; runId: string; nodeId: string; attempt: number; worker: string }
  | { type: 'node:completed'; runId: string; nodeId: string; attempt: number }
  /**
   * A handler call ended in this process's worker (emitted before its outcome is recorded):
   * what metrics of attempts are made of. `errorType` is null when it succeeded.
   */
  | {
      type: 'attempt:ended';
      runId: string;
      nodeId: string;
      attempt: number;
      pipeline: string;
      handler: string;
      outcome: 'succeeded' | 'failed' | 'timed_out' | 'canceled';
      errorType: string | null;
      startedAt: number;
      at: number;
    }
  | {
      type: 'node:failed';
      runId: string;
      nodeId: string;
      attempt: number | null;
      error: ErrorInfo;
      timedOut: boolean;
    }
  | {
      type: 'node:retrying';
      runId: string;
      nodeId: string;
      attempt: number;
      error: ErrorInfo;
      delayMs: number;
    }
  | { type: 'node:skipped'; runId: string; nodeId: string; reason: string }
  | { type: 'node:canceled'; runId: string; nodeId: string; reason: string }
  | { type: 'node:waiting'; runId: string; nodeId: string; signal: string }
  | { type: 'node:polled'; runId: string; nodeId: string; polls: number; nextAt: number }
  | { type: 'child:started'; runId: string; nodeId: string; childRunId: string }
  | {
      type: 'child:completed';
      runId: string;
      nodeId: string;
      childRunId: string;
      status: RunStatus;
    }
  | { type: 'run:continued'; runId: string; nextRunId: string }
  | { type: 'run:queued'; runId: string; group: string }
  | { type: 'run:dequeued'; runId: string; group: string }
  | { type: 'run:stopping'; runId: string; status: StopStatus; reason: string }
  | { type: 'run:retried'; runId: string; attempt: number; nodes: string[] }
  | {
      type: 'signal:received';
      runId: string;
      name: string;
      deliveredTo: string | null;
    }
  | { type: 'timer:started'; runId: string; nodeId: string; fireAt: number }
  | { type: 'timer:fired'; runId: string; nodeId: string }
  | { type: 'completion:fenced'; runId: string; nodeId: string; attempt: number; worker: string }
  /** A status post recorded: posted, to be tried again (`retry`), or given up. */
  | {
      type: 'status:finished';
      runId: string;
      nodeId: string;
      state: string;
      outcome: 'posted' | 'retry' | 'given-up';
    }
  /** A run summary's post recorded (report.ts): posted, to be tried again, or given up. */
  | { type: 'summary:finished'; runId: string; outcome: 'posted' | 'retry' | 'given-up' }
  | { type: 'worker:idle'; worker: string }
  /** A worker beat its liveness row (`alive`: its row was still there). */
  | { type: 'worker:beat'; worker: string; alive: boolean }
  /** Workers that stopped beating were judged dead by `by`, their `tasks` released (liveness.ts). */
  | { type: 'workers:dead'; by: string; workers: string[]; tasks: number };

export type RuntimeEventType = RuntimeEvent['type'];
export type EventOf<T extends RuntimeEventType> = Extract<RuntimeEvent, { type: T }>;

export class RuntimeEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(event: RuntimeEvent): void {
    this.emitter.emit(event.type, event);
    this.emitter.emit('*', event);
  }

  on<T extends RuntimeEventType>(type: T, listener: (event: EventOf<T>) => void): () => void {
    const wrapped = listener as (event: RuntimeEvent) => void;
    this.emitter.on(type, wrapped);
    return () => this.emitter.off(type, wrapped);
  }

  onAny(listener: (event: RuntimeEvent) => void): () => void {
    this.emitter.on('*', listener);
    return () => this.emitter.off('*', listener);
  }

  /** The next event of this type that matches; rejects after `timeoutMs` of real time (a safety net, not a wait). */
  next<T extends RuntimeEventType>(
    type: T,
    match: (event: EventOf<T>) => boolean = () => true,
    timeoutMs = 15_000,
  ): Promise<EventOf<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${type} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(type, (event) => {
        if (!match(event)) return;
        clearTimeout(timer);
        off();
        resolve(event);
      });
    });
  }
}
