import type { Span, Tracer } from '@opentelemetry/api';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { nowMillis } from './deferred-server-span.js';
import { describeError, writeWarning } from './faultline-log.js';
import type { OpenServerSpans } from './open-server-spans.js';
import type { OtlpDestination } from './otlp-endpoint.js';
import type { ProcessPicture } from './process-sampler.js';
import { postProtobufSync } from './sync-post.js';

/** What the crash handlers need from the running pipeline. */
export interface CrashFlushSetup {
  tracer: Tracer;
  openServerSpans: OpenServerSpans;
  /** The process picture the server spans of requests in flight carry as the crash ends them. */
  processPicture?: ProcessPicture | undefined;
  /** Spans not yet delivered, or undefined when the SDK (not Faultline) owns the trace pipeline. */
  takeUndelivered: (() => ReadableSpan[]) | undefined;
  traces: OtlpDestination;
  /** How long a dying process may block to deliver its last spans. */
  timeoutMillis: number;
}

/**
 * Records a fatal error and delivers the last spans without changing how Node dies.
 * `uncaughtExceptionMonitor` observes the error (also an unhandled rejection that Node raises as one)
 * but, unlike an `uncaughtException` listener, leaves the crash itself to Node: same message, same
 * exit code, `--unhandled-rejections` respected. No event-loop turn follows, so delivery is a
 * blocking POST (sync-post.ts). `exit` gets the same treatment for `process.exit()` calls.
 * Returns a function that removes the handlers.
 */
export function installCrashHandlers(setup: CrashFlushSetup): () => void {
  const onFatal = (error: unknown, origin: string): void => {
    try {
      const processWillDie = process.listenerCount('uncaughtException') === 0;
      recordFatalError(setup, error, origin, processWillDie);
      if (processWillDie) deliverUndelivered(setup);
    } catch {
      // Never add a second failure to a crash.
    }
  };
  const onExit = (): void => {
    try {
      deliverUndelivered(setup);
    } catch {
      // Same as above: the process is leaving either way.
    }
  };
  process.on('uncaughtExceptionMonitor', onFatal);
  process.on('exit', onExit);
  return () => {
    process.removeListener('uncaughtExceptionMonitor', onFatal);
    process.removeListener('exit', onExit);
  };
}

/**
 * Puts the error on the span that was running when it was thrown; failing that, on the only request in
 * flight; failing that, on a span of its own named after `origin`. When the process is about to die,
 * the spans of requests in flight are ended as failed so their traces are not lost with it.
 */
export function recordFatalError(
  setup: CrashFlushSetup,
  error: unknown,
  origin: string,
  processWillDie: boolean,
): void {
  const message = describeError(error);
  const open = setup.openServerSpans.list();
  // A request's server span may still be a bare span context (deferred): it becomes a span here.
  const active = activeRecordingSpan() ?? setup.openServerSpans.recordingSpanOf(trace.getActiveSpan());
  const target = active ?? (open.length === 1 ? open[0] : undefined);
  const span = target ?? setup.tracer.startSpan(origin, { attributes: { 'faultline.crash.origin': origin } });
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (target === undefined) span.end();
  if (!processWillDie) return;
  if (target !== undefined && !open.includes(target)) target.end();
  for (const server of open) {
    // A process that dies of its heap or a stuck loop says so on the requests it takes down with it.
    setup.processPicture?.describe(server, open.length);
    if (server !== target) {
      server.setStatus({
        code: SpanStatusCode.ERROR,
        message: `process crashed before responding (${origin}: ${message})`,
      });
    }
    // An explicit end time: a server span made from a deferred one was given its start time, and the
    // SDK would otherwise end it at Date.now(), whole milliseconds, possibly before that start.
    server.end(nowMillis());
  }
}

function activeRecordingSpan(): Span | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

function deliverUndelivered(setup: CrashFlushSetup): void {
  const spans = setup.takeUndelivered?.() ?? [];
  if (spans.length === 0) return;
  const body = ProtobufTraceSerializer.serializeRequest(spans);
  if (body === undefined) return;
  const outcome = postProtobufSync(setup.traces.url, setup.traces.headers, body, setup.timeoutMillis);
  if (outcome !== 'delivered') {
    writeWarning(`could not deliver ${spans.length} spans to ${setup.traces.url} before exit (${outcome})`);
  }
}
