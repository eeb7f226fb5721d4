import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeLogsJson, decodeLogsProtobuf } from '../src/index.js';
import { expectedLog } from './support/expected-model.js';
import { makeSdkLogs } from './support/sdk-logs.js';

const sdkLogs = await makeSdkLogs();
const encodings = [
  ['protobuf', () => decodeLogsProtobuf(ProtobufLogsSerializer.serializeRequest(sdkLogs)!)],
  ['JSON', () => decodeLogsJson(new TextDecoder().decode(JsonLogsSerializer.serializeRequest(sdkLogs)))],
] as const;

describe.each(encodings)('log records made by the official SDK, sent as OTLP %s', (_encoding, decode) => {
  const decoded = decode();
  const byBody = (prefix: string) => decoded.logs.find((l) => JSON.stringify(l.body).includes(prefix))!;

  it('come back exactly as the SDK emitted them, field by field', () => {
    expect(sdkLogs).toHaveLength(3);
    expect(decoded.rejectedLogRecords).toBe(0);
    expect(decoded.errorMessage).toBe('');
    expect(decoded.logs).toStrictEqual(sdkLogs.map(expectedLog));
  });

  it('carry the trace and span ids of the span they were emitted in, and null outside one', () => {
    const inSpan = byBody('payment failed');
    expect(inSpan.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(inSpan.spanId).toBe('b7ad6b7169203331');
    expect(byBody('cache warmed').traceId).toBeNull();
    expect(byBody('cache warmed').spanId).toBeNull();
  });

  it('keep severity, times to the nanosecond and a structured body as plain JS values', () => {
    const inSpan = byBody('payment failed');
    expect(inSpan.severityNumber).toBe(17);
    expect(inSpan.severityText).toBe('ERROR');
    expect(inSpan.timeUnixNano).toBe(1_700_000_000_123_456_789n);
    expect(inSpan.observedTimeUnixNano).toBe(1_700_000_000_123_999_999n);
    expect(byBody('order.created').body).toStrictEqual({
      event: 'order.created',
      order: { id: 'o-17', total: 99.5, items: ['book', 'pen'], paid: true },
      raw: 'AAH+/w==',
    });
  });

  it('name the service and scope of each record', () => {
    expect(decoded.logs.map((l) => l.service)).toStrictEqual(['checkout', 'checkout', 'checkout']);
    expect(byBody('cache warmed').scope).toStrictEqual({ name: 'other-scope' });
    expect(byBody('payment failed').scope).toStrictEqual({ name: 'checkout-logger', version: '1.0.0' });
  });
});
