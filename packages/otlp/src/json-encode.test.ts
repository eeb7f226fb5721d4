import type { LogRecord, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { encodeLogsJson, encodeTracesJson } from './json-encode.js';
import { decodeLogsJson } from './json-logs.js';
import { decodeTracesJson } from './json-traces.js';

const resource = { 'service.name': 'orders', 'service.version': '1.4.2', 'process.pid': 42 };
const span: Span = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: 'b7ad6b7169203331',
  service: 'orders',
  name: 'pg.query:SELECT shop',
  kind: 'CLIENT',
  startTimeUnixNano: 1_795_550_000_123_456_789n,
  endTimeUnixNano: 1_795_550_000_135_790_123n,
  status: { code: 'ERROR', message: 'canceling statement due to statement timeout' },
  attributes: { 'db.system.name': 'postgresql', retries: [1, 2], ratio: 0.5, ok: false, nested: { a: 'b' } },
  resource,
  scope: { name: '@opentelemetry/instrumentation-pg', version: '0.76.0' },
  events: [
    {
      name: 'exception',
      timeUnixNano: 1_795_550_000_130_000_000n,
      attributes: { 'exception.type': '57014' },
    },
  ],
  links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b9c7c989f97918e1', attributes: {} }],
};
const log: LogRecord = {
  traceId: span.traceId,
  spanId: span.spanId,
  service: 'orders',
  timeUnixNano: 1_795_550_000_131_000_000n,
  observedTimeUnixNano: 1_795_550_000_131_000_001n,
  severityNumber: 17,
  severityText: 'error',
  body: { msg: 'query failed', orderId: 7 },
  attributes: { 'log.source': 'pino' },
  resource,
  scope: { name: 'pino' },
};

describe('OTLP/JSON encoding', () => {
  it('round-trips spans through the decoder exactly', () => {
    const decoded = decodeTracesJson(JSON.stringify(encodeTracesJson([span])));
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.spans).toEqual([span]);
  });

  it('round-trips log records through the decoder exactly', () => {
    const decoded = decodeLogsJson(JSON.stringify(encodeLogsJson([log])));
    expect(decoded.logs).toEqual([log]);
  });

  it('writes ids as hex, enums as integers and nanoseconds as strings', () => {
    const json = encodeTracesJson([span]) as {
      resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const written = json.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(written).toMatchObject({
      traceId: span.traceId,
      kind: 3,
      startTimeUnixNano: '1795550000123456789',
      status: { code: 2 },
    });
  });
});
