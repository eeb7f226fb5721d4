import type { AttributeValue } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  MAX_ATTRIBUTES,
  NESTED_TOO_DEEP,
} from '../src/index.js';
import {
  concat,
  fixed64Field,
  keyValue,
  lenField,
  logsRequest,
  nestedArrays,
  spanMessage,
  stringValue,
  tracesRequest,
  varint,
  varintField,
} from './support/proto-writer.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

/** An OTLP/JSON trace request with one span carrying `attributes` (KeyValue objects) and `extra` fields. */
function jsonTraces(attributes: unknown[], extra: object = {}): string {
  const span = { traceId: TRACE_ID, spanId: SPAN_ID, name: 's', attributes, ...extra };
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
}

function jsonNestedArrays(depth: number): string {
  let value = '{"stringValue":"leaf"}';
  for (let i = 0; i < depth; i++) value = `{"arrayValue":{"values":[${value}]}}`;
  return value;
}

/** How many arrays wrap the innermost value, and that value. */
function unwrap(value: AttributeValue): [number, AttributeValue] {
  let levels = 0;
  let inner = value;
  while (Array.isArray(inner)) {
    levels++;
    inner = inner[0]!;
  }
  return [levels, inner];
}

/** `count` Span.attributes fields k0=0, k1=1, … written in one go (the generic writer is too slow for 100k). */
function manyIntAttributes(count: number): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const key = [...`k${i}`].map((c) => c.charCodeAt(0));
    const value = [(3 << 3) | 0, ...varint(i)]; // AnyValue.int_value
    const kv = [(1 << 3) | 2, key.length, ...key, (2 << 3) | 2, value.length, ...value];
    out.push((9 << 3) | 2, kv.length, ...kv);
  }
  return Uint8Array.from(out);
}

const protobufSpanWith = (attributes: Uint8Array[], extra: Uint8Array[] = []) =>
  decodeTracesProtobuf(tracesRequest([spanMessage({ attributes, extra })])).spans[0]!;
const jsonSpanWith = (attributes: unknown[], extra: object = {}) =>
  decodeTracesJson(jsonTraces(attributes, extra)).spans[0]!;

describe.each([
  [
    'protobuf',
    (depth: number) => protobufSpanWith([keyValue('deep', nestedArrays(stringValue('leaf'), depth))]),
  ],
  [
    'JSON',
    // Spliced in as text: JSON.stringify itself would overflow the stack on such a value.
    (depth: number) =>
      decodeTracesJson(
        jsonTraces([{ key: 'deep', value: 'DEEP' }]).replace('"DEEP"', jsonNestedArrays(depth)),
      ).spans[0]!,
  ],
])('a deeply nested attribute value sent as %s', (_encoding, spanWithDepth) => {
  it('10,000 levels deep is cut at 32 levels, marked, and counted as dropped without overflowing the stack', () => {
    const span = spanWithDepth(10_000);
    expect(unwrap(span.attributes['deep']!)).toEqual([31, NESTED_TOO_DEEP]);
    expect(span.droppedAttributesCount).toBe(1);
  });

  it('32 levels deep (31 arrays around a string) is kept whole', () => {
    const span = spanWithDepth(31);
    expect(unwrap(span.attributes['deep']!)).toEqual([31, 'leaf']);
    expect(span.droppedAttributesCount).toBeUndefined();
  });
});

describe('a log body nested 10,000 deep', () => {
  it('is cut and counted as dropped in both encodings', () => {
    const proto = decodeLogsProtobuf(logsRequest([lenField(5, nestedArrays(stringValue('leaf'), 10_000))]))
      .logs[0]!;
    const json = decodeLogsJson(
      `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${jsonNestedArrays(10_000)}}]}]}]}`,
    ).logs[0]!;
    for (const log of [proto, json]) {
      expect(unwrap(log.body)).toEqual([31, NESTED_TOO_DEEP]);
      expect(log.droppedAttributesCount).toBe(1);
    }
  });
});

describe.each([
  ['protobuf', (value: string) => protobufSpanWith([keyValue('big', stringValue(value))])],
  ['JSON', (value: string) => jsonSpanWith([{ key: 'big', value: { stringValue: value } }])],
])('a 1 MB string attribute sent as %s', (_encoding, spanWith) => {
  it('keeps the first 64 KiB and says how many bytes were cut', () => {
    const value = 'a'.repeat(1024 * 1024);
    expect(spanWith(value).attributes['big']).toBe(`${'a'.repeat(65_536)}…[truncated 983040 bytes]`);
  });
});

describe.each([
  ['protobuf', (count: number) => protobufSpanWith([], [manyIntAttributes(count), varintField(10, 5)])],
  [
    'JSON',
    (count: number) =>
      jsonSpanWith(
        Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: { intValue: String(i) } })),
        { droppedAttributesCount: 5 },
      ),
  ],
])('100,000 attributes on one span sent as %s', (_encoding, spanWith) => {
  it(`keep the first ${MAX_ATTRIBUTES} and count the rest, plus the sender's own count, as dropped`, () => {
    const span = spanWith(100_000);
    expect(Object.keys(span.attributes)).toHaveLength(MAX_ATTRIBUTES);
    expect(span.attributes['k1023']).toBe(1023);
    expect(span.attributes['k1024']).toBeUndefined();
    expect(span.droppedAttributesCount).toBe(100_000 - MAX_ATTRIBUTES + 5);
  });
});

describe('non-finite doubles', () => {
  it('become the strings NaN, Infinity and -Infinity so stored JSON stays valid', () => {
    const double = (value: number) => {
      const bytes = new Uint8Array(9);
      bytes[0] = (4 << 3) | 1;
      new DataView(bytes.buffer).setFloat64(1, value, true);
      return bytes;
    };
    const proto = protobufSpanWith([keyValue('nan', double(Number.NaN)), keyValue('inf', double(-Infinity))]);
    expect(proto.attributes).toEqual({ nan: 'NaN', inf: '-Infinity' });
    const json = jsonSpanWith([
      { key: 'nan', value: { doubleValue: 'NaN' } },
      { key: 'inf', value: { doubleValue: 'Infinity' } },
    ]);
    expect(json.attributes).toEqual({ nan: 'NaN', inf: 'Infinity' });
  });
});

describe('an event with more attributes than the cap', () => {
  it('keeps the first ones and counts the rest on the event', () => {
    const attributes = Array.from({ length: MAX_ATTRIBUTES + 3 }, (_, i) =>
      lenField(3, keyValue(`e${i}`, stringValue('v'))),
    );
    const event = lenField(11, concat(fixed64Field(1, 5n), lenField(2, 'exception'), ...attributes));
    const span = protobufSpanWith([], [event]);
    expect(Object.keys(span.events[0]!.attributes)).toHaveLength(MAX_ATTRIBUTES);
    expect(span.events[0]!.droppedAttributesCount).toBe(3);
    expect(span.droppedAttributesCount).toBeUndefined();
  });
});
