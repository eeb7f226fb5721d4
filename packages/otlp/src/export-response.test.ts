import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import {
  encodeLogsResponseProtobuf,
  encodeTracesResponseProtobuf,
  logsResponseJson,
  tracesResponseJson,
} from './export-response.js';

const json = (value: object) => new TextEncoder().encode(JSON.stringify(value));

describe('export responses', () => {
  it('are empty (zero bytes, {}) when nothing was rejected, as OTLP full success requires', () => {
    expect(encodeTracesResponseProtobuf({ rejectedSpans: 0, errorMessage: '' })).toHaveLength(0);
    expect(encodeLogsResponseProtobuf({ rejectedLogRecords: 0, errorMessage: '' })).toHaveLength(0);
    expect(tracesResponseJson({ rejectedSpans: 0, errorMessage: '' })).toStrictEqual({});
    expect(logsResponseJson({ rejectedLogRecords: 0, errorMessage: '' })).toStrictEqual({});
    expect(ProtobufTraceSerializer.deserializeResponse(new Uint8Array(0))).toStrictEqual({});
  });

  it('carry partial success in bytes laid out as trace_service.proto says', () => {
    // partial_success (1, LEN 5) { rejected_spans (1, varint 300 = ac 02); error_message (2, LEN 1) "x" }
    expect([...encodeTracesResponseProtobuf({ rejectedSpans: 300, errorMessage: 'x' })]).toEqual([
      0x0a, 0x06, 0x08, 0xac, 0x02, 0x12, 0x01, 0x78,
    ]);
  });

  it('round-trip through the official protobuf response decoders', () => {
    const message = '2 spans rejected: span 3 of scope ‘x’: trace id must be 16 bytes, got 15';
    const traces = ProtobufTraceSerializer.deserializeResponse(
      encodeTracesResponseProtobuf({ rejectedSpans: 2, errorMessage: message }),
    );
    expect(traces.partialSuccess?.errorMessage).toBe(message);
    expect(Number(traces.partialSuccess?.rejectedSpans)).toBe(2);
    const logs = ProtobufLogsSerializer.deserializeResponse(
      encodeLogsResponseProtobuf({ rejectedLogRecords: 70_000, errorMessage: 'bad ids' }),
    );
    expect(Number(logs.partialSuccess?.rejectedLogRecords)).toBe(70_000);
    expect(logs.partialSuccess?.errorMessage).toBe('bad ids');
  });

  it('write int64 counts as decimal strings in JSON, which the official JSON decoders read', () => {
    const traces = tracesResponseJson({ rejectedSpans: 2, errorMessage: 'why' });
    expect(traces).toStrictEqual({ partialSuccess: { rejectedSpans: '2', errorMessage: 'why' } });
    expect(JsonTraceSerializer.deserializeResponse(json(traces))).toStrictEqual(traces);
    const logs = logsResponseJson({ rejectedLogRecords: 1, errorMessage: '' });
    expect(logs).toStrictEqual({ partialSuccess: { rejectedLogRecords: '1' } });
    expect(JsonLogsSerializer.deserializeResponse(json(logs))).toStrictEqual(logs);
  });
});
