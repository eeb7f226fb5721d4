import type { Span } from '@faultline/model';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeTracesJson, decodeTracesProtobuf } from '../src/index.js';
import { expectedSpan } from './support/expected-model.js';
import { makeSdkSpans } from './support/sdk-spans.js';

const sdkSpans = makeSdkSpans();
const expected = sdkSpans.map(expectedSpan);
const encodings = [
  ['protobuf', () => decodeTracesProtobuf(ProtobufTraceSerializer.serializeRequest(sdkSpans)!)],
  ['JSON', () => decodeTracesJson(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans)))],
] as const;

function byName(spans: Span[], name: string): Span {
  const span = spans.find((s) => s.name === name);
  if (span === undefined) throw new Error(`no span named ${name}`);
  return span;
}

describe.each(encodings)('spans made by the official SDK, sent as OTLP %s', (_encoding, decode) => {
  const decoded = decode();

  it('come back exactly as the SDK recorded them, field by field', () => {
    expect(decoded.rejectedSpans).toBe(0);
    expect(decoded.errorMessage).toBe('');
    expect(decoded.spans).toHaveLength(expected.length);
    const decodedById = new Map(decoded.spans.map((s) => [s.spanId, s]));
    for (const want of expected) expect(decodedById.get(want.spanId)).toStrictEqual(want);
  });

  it('keep ids as lowercase hex, with null for a root span parent', () => {
    const server = byName(decoded.spans, 'POST /checkout');
    expect(server.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(server.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(server.parentSpanId).toBeNull();
    expect(byName(decoded.spans, 'INSERT orders').parentSpanId).toBe(server.spanId);
    expect(byName(decoded.spans, 'POST /charge').parentSpanId).toBe(byName(decoded.spans, 'POST').spanId);
  });

  it('keep times to the nanosecond as bigint', () => {
    const server = byName(decoded.spans, 'POST /checkout');
    expect(server.startTimeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(server.endTimeUnixNano).toBe(1_700_000_001_000_000_005n);
    expect(byName(decoded.spans, 'compute-tax').endTimeUnixNano).toBe(1_700_000_000_260_000_999n);
  });

  it('name kinds and statuses, leaving out an empty status message', () => {
    const kinds = Object.fromEntries(decoded.spans.map((s) => [s.name, s.kind]));
    expect(kinds).toEqual({
      'POST /checkout': 'SERVER',
      POST: 'CLIENT',
      'INSERT orders': 'CLIENT',
      'compute-tax': 'INTERNAL',
      'publish order': 'PRODUCER',
      'POST /charge': 'SERVER',
    });
    expect(byName(decoded.spans, 'POST /checkout').status).toStrictEqual({
      code: 'ERROR',
      message: 'payment failed',
    });
    expect(byName(decoded.spans, 'INSERT orders').status).toStrictEqual({ code: 'ERROR' });
    expect(byName(decoded.spans, 'POST /charge').status).toStrictEqual({ code: 'OK' });
    expect(byName(decoded.spans, 'compute-tax').status).toStrictEqual({ code: 'UNSET' });
  });

  it('map attributes of every type to plain JS values', () => {
    expect(byName(decoded.spans, 'POST /checkout').attributes).toStrictEqual({
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': 500,
      'http.request.body.size': -1,
      'app.ratio': 0.25,
      'app.retried': false,
      'app.big': '1152921504606846976',
      'app.tags': ['fast', 'eu-west'],
      'app.codes': [1, 2, 3],
      'app.weights': [0.5, 1.5],
      'app.flags': [true, false],
      'app.note': 'ünïcødé 🚀 日本語',
    });
  });

  it('keep the exception event with its stack trace, and links with their attributes', () => {
    const server = byName(decoded.spans, 'POST /checkout');
    const exception = server.events.find((e) => e.name === 'exception');
    expect(exception?.timeUnixNano).toBe(1_700_000_000_223_456_789n);
    expect(exception?.attributes).toStrictEqual({
      'exception.type': 'Error',
      'exception.message': 'card declined',
      'exception.stacktrace':
        'Error: card declined\n    at charge (/srv/pay.js:10:7)\n    at checkout (/srv/app.js:42:3)',
    });
    expect(byName(decoded.spans, 'POST').links).toStrictEqual([
      {
        traceId: '0af7651916cd43dd8448eb211c80319c',
        spanId: 'b7ad6b7169203331',
        attributes: { 'link.reason': 'retry-of' },
      },
    ]);
  });

  it('name each span for its resource service and share one resource object per ResourceSpans', () => {
    const checkout = decoded.spans.filter((s) => s.service === 'checkout');
    expect(checkout).toHaveLength(5);
    for (const span of checkout) expect(span.resource).toBe(checkout[0]!.resource);
    const payments = byName(decoded.spans, 'POST /charge');
    expect(payments.service).toBe('payments');
    expect(payments.resource).not.toBe(checkout[0]!.resource);
  });

  it('keep the instrumentation scope, with the version only when there is one', () => {
    expect(byName(decoded.spans, 'POST /checkout').scope).toStrictEqual({
      name: '@opentelemetry/instrumentation-http',
      version: '0.223.0',
    });
    expect(byName(decoded.spans, 'INSERT orders').scope).toStrictEqual({ name: 'checkout-db' });
  });
});
