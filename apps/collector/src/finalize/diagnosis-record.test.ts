import { diagnoseTrace } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { toDiagnosisRecord } from './diagnosis-record.js';

const threw = (atNs: bigint) => ({
  name: 'exception',
  timeUnixNano: atNs,
  attributes: {
    'exception.type': 'TypeError',
    'exception.message': "Cannot read properties of undefined (reading 'price')",
    'exception.stacktrace':
      "TypeError: Cannot read properties of undefined (reading 'price')\n    at lineTotal (/srv/shop/src/pricing.js:12:17)",
  },
});

describe('the origin endpoint a failure group lists', () => {
  it('is the method and route of the SERVER span above the origin in its service, not the entry', () => {
    const traceId = newTraceId();
    const entry = makeSpan({
      traceId,
      service: 'gateway',
      name: 'GET /api/products/:id',
      status: { code: 'ERROR' },
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/api/products/:id',
        'http.response.status_code': 500,
      },
    });
    const call = makeSpan({
      traceId,
      service: 'gateway',
      name: 'GET',
      kind: 'CLIENT',
      parentSpanId: entry.spanId,
      status: { code: 'ERROR' },
      attributes: { 'http.request.method': 'GET', 'http.response.status_code': 500 },
    });
    const server = makeSpan({
      traceId,
      service: 'shop',
      name: 'GET /products/:id',
      parentSpanId: call.spanId,
      status: { code: 'ERROR' },
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/products/:id',
        'http.response.status_code': 500,
      },
    });
    const handler = makeSpan({
      traceId,
      service: 'shop',
      name: 'request handler - /products/:id',
      kind: 'INTERNAL',
      parentSpanId: server.spanId,
      status: { code: 'ERROR', message: 'boom' },
      events: [threw(server.startTimeUnixNano + 1_000n)],
    });
    const spans = [entry, call, server, handler];
    const record = toDiagnosisRecord(diagnoseTrace(spans)!, spans);
    expect(record.originSpanId).toBe(handler.spanId);
    expect(record.originEndpoint).toBe('GET /products/:id');
    expect(record.entryEndpoint).toBe('GET /api/products/:id');
  });

  it('is null for a service not serving HTTP, and a parent loop in hostile ids ends the walk', () => {
    const traceId = newTraceId();
    const job = makeSpan({
      traceId,
      name: 'refresh-prices',
      kind: 'CONSUMER',
      status: { code: 'ERROR', message: 'x' },
    });
    expect(toDiagnosisRecord(diagnoseTrace([job])!, [job]).originEndpoint).toBeNull();

    const a = makeSpan({ traceId, kind: 'INTERNAL', name: 'a', status: { code: 'ERROR', message: 'x' } });
    // b starts after a, so the tree cuts the loop open at a (the entry) and the verdict is a's.
    const b = makeSpan({
      traceId,
      kind: 'INTERNAL',
      name: 'b',
      parentSpanId: a.spanId,
      startTimeUnixNano: a.startTimeUnixNano + 1_000_000n,
    });
    a.parentSpanId = b.spanId;
    const looped = [a, b];
    const diagnosis = diagnoseTrace(looped);
    expect(diagnosis).not.toBeNull();
    expect(toDiagnosisRecord(diagnosis!, looped).originEndpoint).toBeNull();
  });
});
