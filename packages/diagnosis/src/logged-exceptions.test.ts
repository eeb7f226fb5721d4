import type { LogRecord, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { exceptionEvent, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { diagnoseTrace } from './diagnose-trace.js';
import { MAX_EVENTS_WITH_LOGGED, withLoggedExceptions } from './logged-exceptions.js';

const STACK =
  "TypeError: Cannot read properties of undefined (reading 'total')\n    at loadOrder (/srv/app/orders.js:12:9)";

/** A failing request: the server span answered 500 and set ERROR; where its exception is depends on the test. */
function failingRequest(events: Span['events'] = []) {
  const t = new TraceBuilder();
  const server = t.span({
    service: 'orders',
    name: 'GET /orders/:id',
    kind: 'SERVER',
    startMs: 0,
    endMs: 10,
    status: { code: 'ERROR', message: "Cannot read properties of undefined (reading 'total')" },
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 500,
    },
    events,
  });
  return { t, server };
}

/** The log record an SDK sends under OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN=logs. */
function exceptionLog(t: TraceBuilder, span: Span, atMs: number): LogRecord {
  const log = t.log(span, atMs, 'ERROR', "Cannot read properties of undefined (reading 'total')");
  log.attributes = {
    'exception.type': 'TypeError',
    'exception.message': "Cannot read properties of undefined (reading 'total')",
    'exception.stacktrace': STACK,
  };
  return log;
}

describe('withLoggedExceptions', () => {
  it("attaches a log's exception to the span whose ids it carries, as the event recordException writes", () => {
    const { t, server } = failingRequest();
    const [attached] = withLoggedExceptions(t.spans, [exceptionLog(t, server, 4)]);
    expect(attached!.events).toEqual([
      exceptionEvent(4, {
        name: 'TypeError',
        message: "Cannot read properties of undefined (reading 'total')",
        stack: STACK,
      }),
    ]);
    expect(server.events).toEqual([]);
  });

  it('adds nothing when the span has the same exception as an event already (logs/dup)', () => {
    const event = exceptionEvent(4, {
      name: 'TypeError',
      message: "Cannot read properties of undefined (reading 'total')",
      stack: STACK,
    });
    const { t, server } = failingRequest([event]);
    expect(withLoggedExceptions(t.spans, [exceptionLog(t, server, 4)])[0]!.events).toEqual([event]);
  });

  it('leaves spans alone for logs that are no exception, or carry no span id', () => {
    const { t, server } = failingRequest();
    const plain = t.log(server, 3, 'ERROR', 'payment declined');
    const orphan = { ...exceptionLog(t, server, 4), spanId: null };
    const spans = withLoggedExceptions(t.spans, [plain, orphan]);
    expect(spans[0]).toBe(server);
  });
});

describe('withLoggedExceptions on hostile logs', () => {
  it('adds at most 128 events to a span flooded with exception logs, counting the rest as dropped', () => {
    const { t, server } = failingRequest();
    const logs = Array.from({ length: 1000 }, (_, i) => {
      const log = exceptionLog(t, server, i / 100);
      log.attributes = { 'exception.type': 'Error', 'exception.message': `flood ${i}` };
      return log;
    });
    const [flooded] = withLoggedExceptions(t.spans, logs);
    expect(flooded!.events).toHaveLength(MAX_EVENTS_WITH_LOGGED);
    expect(flooded!.droppedEventsCount).toBe(1000 - MAX_EVENTS_WITH_LOGGED);
    expect(flooded!.events[0]!.attributes['exception.message']).toBe('flood 0');
  });

  it('attaches nothing to a span of another trace that has the same span id', () => {
    const { t, server } = failingRequest();
    const log = { ...exceptionLog(t, server, 4), traceId: 'f'.repeat(32) };
    expect(withLoggedExceptions(t.spans, [log])[0]).toBe(server);
  });
});

describe('diagnoseTrace with exceptions sent as logs', () => {
  it('gives the same verdict and evidence as for the same exception sent as a span event', () => {
    const asEvent = failingRequest([
      exceptionEvent(4, {
        name: 'TypeError',
        message: "Cannot read properties of undefined (reading 'total')",
        stack: STACK,
      }),
    ]);
    const asLog = failingRequest();
    const logs = [exceptionLog(asLog.t, asLog.server, 4)];
    const fromEvent = diagnoseTrace(asEvent.t.spans, []);
    const fromLog = diagnoseTrace(asLog.t.spans, logs);
    expect(fromEvent?.cause).toBe('exception');
    expect({ ...fromLog, evidence: { ...fromLog!.evidence, logs: [] } }).toEqual({
      ...fromEvent,
      evidence: { ...fromEvent!.evidence, logs: [] },
    });
  });
});
