/**
 * Runtime test kit: compile a pipeline text against test-only handlers, a runtime with a fixed
 * jitter source, and handlers whose behaviour each test scripts through its input.
 */
import pino from 'pino';
import { compilePipeline, registryOf, type Graph } from '../../src/compiler/index.js';
import type { Db } from '../../src/db/db.js';
import type { Event } from '../../src/events/event.js';
import { manualEvent } from '../../src/forges/normalize.js';
import { execHandler } from '../../src/handlers/exec.js';
import { defaultSandboxSettings } from '../../src/handlers/sandbox/settings.js';
import { specsOf } from '../../src/handlers/registry.js';
import type { Handler, HandlerContext } from '../../src/handlers/types.js';
import { HandlerError } from '../../src/contracts/errors.js';
import type { Clock } from '../../src/runtime/clock.js';
import { Runtime } from '../../src/runtime/runtime.js';
import type { RuntimeSettings } from '../../src/runtime/types.js';
import type { WorkerOptions } from '../../src/runtime/worker.js';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** `test.script`: attempt n follows steps[n-1] (the last step repeats): fail with an error, or return an output. */
interface Step {
  fail?: { type: string; message?: string; non_retryable?: boolean; retry_after_ms?: number };
  output?: unknown;
}

export const scriptHandler: Handler<{ steps?: Step[]; echo?: unknown }> = {
  spec: {
    name: 'test.script',
    description: 'Scripted outcomes per attempt (tests only).',
    input: { type: 'object', properties: { steps: { type: 'array' }, echo: {} } },
  },
  run(input, context) {
    const steps = input.steps ?? [{ output: input.echo ?? null }];
    const step = steps[Math.min(context.attempt, steps.length) - 1] ?? {};
    if (step.fail) {
      const { type, message, non_retryable, retry_after_ms } = step.fail;
      return Promise.reject(
        HandlerError.custom(type, message ?? `${type} on attempt ${context.attempt}`, {
          nonRetryable: non_retryable,
          retryAfterMs: retry_after_ms,
        }),
      );
    }
    return Promise.resolve(step.output ?? input.echo ?? null);
  },
};

/**
 * `test.wait`: blocks until the test releases it (`blocker.release(nodeId)`) or the attempt is
 * aborted; heartbeats as the test says. Lets tests hold attempts mid-flight.
 */
export class Blocker {
  private readonly waiting = new Map<
    string,
    { context: HandlerContext; done: (output: unknown) => void }
  >();
  private readonly arrivals: ((key: string) => void)[] = [];
  started: string[] = [];

  readonly handler: Handler<{ output?: unknown }> = {
    spec: {
      name: 'test.wait',
      description: 'Blocks until released (tests only).',
      input: { type: 'object' },
    },
    run: (input, context) =>
      new Promise((resolve, reject) => {
        const key = `${context.nodeId}#${context.attempt}`;
        this.started.push(key);
        context.signal.addEventListener(
          'abort',
          () => {
            if (this.waiting.get(context.nodeId)?.context === context)
              this.waiting.delete(context.nodeId);
            reject(new HandlerError('Aborted', String(JSON.stringify(context.signal.reason))));
          },
          { once: true },
        );
        this.waiting.set(context.nodeId, {
          context,
          done: () => resolve(input.output ?? 'released'),
        });
        for (const arrive of this.arrivals.splice(0)) arrive(key);
      }),
  };

  /** Resolves when some attempt of `nodeId` is blocked here. */
  async arrived(nodeId: string): Promise<HandlerContext> {
    for (;;) {
      const entry = this.waiting.get(nodeId);
      if (entry && !entry.context.signal.aborted) return entry.context;
      await new Promise<string>((resolve) => this.arrivals.push(resolve));
    }
  }

  release(nodeId: string): void {
    const entry = this.waiting.get(nodeId);
    this.waiting.delete(nodeId);
    entry?.done(undefined);
  }
}

/**
 * `test.poll`: a fake external build, `key` its id. Each call counts one poll and answers
 * `{ key, polls, state }`, state `done` from call `done_after` on (`running` before); a call
 * listed in `fail_on` fails with a retryable `Unavailable` instead (a flaky status API).
 */
export class PollCounter {
  readonly polls = new Map<string, number>();
  readonly calls: { key: string; attempt: number; runId: string }[] = [];

  readonly handler: Handler<{ key: string; done_after: number; fail_on?: number[] }> = {
    spec: {
      name: 'test.poll',
      description: 'A fake build that is done after n polls (tests only).',
      input: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          done_after: { type: 'number' },
          fail_on: { type: 'array' },
        },
        required: ['key', 'done_after'],
      },
    },
    run: (input, context) => {
      const calls = this.calls.filter((c) => c.key === input.key).length + 1;
      this.calls.push({ key: input.key, attempt: context.attempt, runId: context.runId });
      if (input.fail_on?.includes(calls))
        return Promise.reject(HandlerError.custom('Unavailable', `call ${calls} failed`));
      const polls = (this.polls.get(input.key) ?? 0) + 1;
      this.polls.set(input.key, polls);
      return Promise.resolve({
        key: input.key,
        polls,
        state: polls >= input.done_after ? 'done' : 'running',
      });
    },
  };
}

/** `test.stubborn`: ignores its AbortSignal and never returns; `onCall` hears of each call. */
export function stubbornHandler(onCall: (signal: AbortSignal) => void): Handler {
  return {
    spec: { name: 'test.stubborn', description: 'Never returns (tests only).', input: {} },
    run: (_input, context) => {
      onCall(context.signal);
      return new Promise(() => undefined);
    },
  };
}

export function testHandlers(
  blocker = new Blocker(),
  counter = new PollCounter(),
): Map<string, Handler> {
  return new Map<string, Handler>([
    ['test.script', scriptHandler],
    ['test.wait', blocker.handler],
    ['test.poll', counter.handler],
    ['exec', execHandler],
  ]);
}

export function compileFor(
  text: string,
  handlers: Map<string, Handler>,
  event: Event = manualEvent({ repo: 'octo/app', sha: 'c0ffee'.padEnd(40, '0') }),
): Graph {
  const result = compilePipeline(text, event, {
    file: 'test.yaml',
    handlers: registryOf(specsOf(handlers)),
  });
  if (result.status !== 'graph')
    throw new Error(`test pipeline does not compile: ${JSON.stringify(result, null, 2)}`);
  return result.graph;
}

export function testRuntime(
  db: Db,
  options: { clock?: Clock; settings?: Partial<RuntimeSettings>; newRunId?: () => string } = {},
): Runtime {
  return new Runtime({
    db,
    clock: options.clock,
    settings: options.settings,
    random: () => 0.5,
    newRunId: options.newRunId,
  });
}

export function workerOptions(
  handlers: Map<string, Handler>,
  extra: Partial<WorkerOptions> = {},
): WorkerOptions {
  return {
    handlers,
    // Runtime tests watch exec's process group from the host (cancel.test.ts): no sandbox here;
    // test/handlers has the sandbox's own tests.
    handlerSettings: {
      execAllow: ['*'],
      execSandbox: defaultSandboxSettings({ mode: 'none' }),
      secrets: {},
    },
    logger: silentLogger,
    pollMs: 200,
    ...extra,
  };
}

/** A pipeline text: `jobs` is the YAML under `jobs:` (indented two spaces). */
export function pipeline(jobs: string, top = ''): string {
  return `version: 1\non: [manual, push]\n${top}jobs:\n${jobs}`;
}
