/**
 * A tracer provider for tests, written against @opentelemetry/api alone (no SDK): it records
 * each span's name, ids, parent, attributes, status and times, and lets a test wait for a
 * span to end instead of sleeping. `contextManager` carries the active span across awaits
 * (AsyncLocalStorage), as an SDK's does, so a handler's own spans can nest under its attempt.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type ContextManager,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

export interface RecordedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Attributes;
  status: SpanStatus;
  startTime: number;
  endTime: number | undefined;
}

/** Milliseconds since the epoch, from any TimeInput (a test's FakeClock gives numbers). */
function millis(time: TimeInput | undefined): number {
  if (time === undefined) return Date.now();
  if (typeof time === 'number') return time;
  if (time instanceof Date) return time.getTime();
  return time[0] * 1000 + time[1] / 1e6;
}

class RecordingSpan implements Span {
  constructor(
    private readonly context: SpanContext,
    readonly record: RecordedSpan,
    private readonly onEnd: (span: RecordedSpan) => void,
  ) {}
  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.record.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.record.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(endTime?: TimeInput): void {
    this.record.endTime = millis(endTime);
    this.onEnd(this.record);
  }
  isRecording(): boolean {
    return this.record.endTime === undefined;
  }
  recordException(): void {}
}

export class SpanRecorder implements TracerProvider {
  readonly ended: RecordedSpan[] = [];
  private readonly waiting: { match: (s: RecordedSpan) => boolean; done: () => void }[] = [];

  getTracer(): Tracer {
    const startSpan = (name: string, options: SpanOptions = {}, context?: Context): Span => {
      const parent = trace.getSpanContext(context ?? contextManager.active());
      const spanContext: SpanContext = {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: TraceFlags.SAMPLED,
      };
      const record: RecordedSpan = {
        name,
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        parentSpanId: parent?.spanId,
        attributes: { ...options.attributes },
        status: { code: 0 },
        startTime: millis(options.startTime),
        endTime: undefined,
      };
      return new RecordingSpan(spanContext, record, (span) => this.end(span));
    };
    return { startSpan } as unknown as Tracer;
  }

  /** Resolves once a span matching `match` has ended (at once if one already has). */
  async next(match: (span: RecordedSpan) => boolean): Promise<RecordedSpan> {
    for (;;) {
      const found = this.ended.find(match);
      if (found) return found;
      await new Promise<void>((done) => this.waiting.push({ match, done }));
    }
  }

  private end(span: RecordedSpan): void {
    this.ended.push(span);
    for (const waiter of this.waiting.splice(0)) waiter.done();
  }
}

const storage = new AsyncLocalStorage<Context>();

/** The active context across awaits, as an SDK's context manager keeps it. */
export const contextManager: ContextManager = {
  active: () => storage.getStore() ?? ROOT_CONTEXT,
  with: (context, fn, thisArg, ...args) => storage.run(context, () => fn.call(thisArg, ...args)),
  bind: (_context, target) => target,
  enable() {
    return this;
  },
  disable() {
    return this;
  },
};
