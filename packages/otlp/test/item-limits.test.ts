import { describe, expect, it } from 'vitest';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  encodeTracesJson,
  MAX_EVENTS_PER_SPAN,
  MAX_KEY_BYTES,
  MAX_LINKS_PER_SPAN,
  OtlpTooManyItemsError,
} from '../src/index.js';
import {
  concat,
  hexBytes,
  keyValue,
  lenField,
  logsRequest,
  SPAN_ID,
  spanMessage,
  stringValue,
  TRACE_ID,
  tracesRequest,
  varintField,
} from './support/proto-writer.js';

const TRACE_HEX = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_HEX = '00f067aa0ba902b7';

/** `count` copies of `field` in one buffer (the generic writer is too slow for millions). */
function repeated(field: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(field.length * count);
  for (let i = 0; i < count; i++) out.set(field, i * field.length);
  return out;
}

const EMPTY_EVENT = lenField(11, new Uint8Array(0));
const LINK = lenField(13, concat(lenField(1, TRACE_ID), lenField(2, SPAN_ID)));

describe('events and links per span', () => {
  it(`a protobuf span with a million empty events keeps ${MAX_EVENTS_PER_SPAN} and counts the rest, plus the sender's own count`, () => {
    const span = decodeTracesProtobuf(
      tracesRequest([spanMessage({ extra: [repeated(EMPTY_EVENT, 1_000_000), varintField(12, 7)] })]),
    ).spans[0]!;
    expect(span.events).toHaveLength(MAX_EVENTS_PER_SPAN);
    expect(span.droppedEventsCount).toBe(1_000_000 - MAX_EVENTS_PER_SPAN + 7);
  });

  it(`a protobuf span keeps ${MAX_LINKS_PER_SPAN} links and counts the rest and the malformed ones`, () => {
    const badLink = lenField(13, lenField(1, hexBytes('00ff')));
    const span = decodeTracesProtobuf(
      tracesRequest([spanMessage({ extra: [badLink, repeated(LINK, 300), varintField(14, 2)] })]),
    ).spans[0]!;
    expect(span.links).toHaveLength(MAX_LINKS_PER_SPAN);
    expect(span.droppedLinksCount).toBe(1 + 300 - MAX_LINKS_PER_SPAN + 2);
  });

  it('a JSON span keeps the same numbers, and the counts survive re-encoding', () => {
    const message = {
      traceId: TRACE_HEX,
      spanId: SPAN_HEX,
      name: 's',
      events: Array.from({ length: 1000 }, () => ({})),
      droppedEventsCount: 4,
      links: Array.from({ length: 200 }, () => ({ traceId: TRACE_HEX, spanId: SPAN_HEX })),
    };
    const body = JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [message] }] }] });
    const span = decodeTracesJson(body).spans[0]!;
    expect(span.events).toHaveLength(MAX_EVENTS_PER_SPAN);
    expect(span.droppedEventsCount).toBe(1000 - MAX_EVENTS_PER_SPAN + 4);
    expect(span.links).toHaveLength(MAX_LINKS_PER_SPAN);
    expect(span.droppedLinksCount).toBe(200 - MAX_LINKS_PER_SPAN);
    const again = decodeTracesJson(JSON.stringify(encodeTracesJson([span]))).spans[0]!;
    expect(again.droppedEventsCount).toBe(span.droppedEventsCount);
    expect(again.droppedLinksCount).toBe(span.droppedLinksCount);
  });

  it('a span under the caps reports nothing dropped', () => {
    const span = decodeTracesProtobuf(tracesRequest([spanMessage({ extra: [EMPTY_EVENT, LINK] })])).spans[0]!;
    expect(span.events).toHaveLength(1);
    expect(span.links).toHaveLength(1);
    expect(span.droppedEventsCount).toBeUndefined();
    expect(span.droppedLinksCount).toBeUndefined();
  });
});

describe('items per request', () => {
  it('a protobuf logs request with a million empty records is refused, naming the limit', () => {
    // ExportLogsServiceRequest{ResourceLogs{ScopeLogs{scope, 1,000,000 x empty LogRecord}}}: 2 MB.
    const records = repeated(lenField(2, new Uint8Array(0)), 1_000_000);
    const request = lenField(1, lenField(2, concat(lenField(1, lenField(1, 'lib')), records)));
    expect(() => decodeLogsProtobuf(request)).toThrow(OtlpTooManyItemsError);
    expect(() => decodeLogsProtobuf(request)).toThrow(/more than 200000 items.*send smaller batches/);
  });

  it('counts spans with their kept events and links, in both encodings and both signals', () => {
    const spans = Array.from({ length: 3 }, () => spanMessage({ extra: [EMPTY_EVENT, LINK] }));
    // 3 spans, 3 events, 3 links: 9 items.
    expect(decodeTracesProtobuf(tracesRequest(spans), 9).spans).toHaveLength(3);
    expect(() => decodeTracesProtobuf(tracesRequest(spans), 8)).toThrow(OtlpTooManyItemsError);
    const json = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [1, 2].map(() => ({ traceId: TRACE_HEX, spanId: SPAN_HEX, events: [{}] })),
            },
          ],
        },
      ],
    });
    expect(decodeTracesJson(json, 4).spans).toHaveLength(2);
    expect(() => decodeTracesJson(json, 3)).toThrow(OtlpTooManyItemsError);
    const logs = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}, {}] }] }] });
    expect(decodeLogsJson(logs, 3).logs).toHaveLength(3);
    expect(() => decodeLogsJson(logs, 2)).toThrow(OtlpTooManyItemsError);
  });
});

describe('attribute keys', () => {
  const long = 'k'.repeat(MAX_KEY_BYTES + 1);
  const atLimit = 'k'.repeat(MAX_KEY_BYTES);
  // 100 "é" are 200 bytes; 130 are 260, over the limit though only 130 characters long.
  const longUtf8 = 'é'.repeat(130);

  it(`longer than ${MAX_KEY_BYTES} bytes are dropped and counted, in protobuf`, () => {
    const span = decodeTracesProtobuf(
      tracesRequest([
        spanMessage({
          attributes: [
            keyValue(long, stringValue('x')),
            keyValue(atLimit, stringValue('kept')),
            keyValue(longUtf8, stringValue('x')),
          ],
        }),
      ]),
    ).spans[0]!;
    expect(span.attributes).toEqual({ [atLimit]: 'kept' });
    expect(span.droppedAttributesCount).toBe(2);
  });

  it('longer than the limit are dropped and counted in JSON, also inside a key-value list', () => {
    const attributes = [
      { key: long, value: { stringValue: 'x' } },
      {
        key: 'map',
        value: {
          kvlistValue: {
            values: [
              { key: long, value: { intValue: 1 } },
              { key: 'ok', value: { intValue: 2 } },
            ],
          },
        },
      },
      { key: longUtf8, value: { stringValue: 'x' } },
    ];
    const body = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE_HEX, spanId: SPAN_HEX, attributes }] }] }],
    });
    const span = decodeTracesJson(body).spans[0]!;
    expect(span.attributes).toEqual({ map: { ok: 2 } });
    expect(span.droppedAttributesCount).toBe(3);
  });

  it('longer than the limit are dropped from log records too', () => {
    const record = lenField(6, keyValue(long, stringValue('x')));
    const log = decodeLogsProtobuf(logsRequest([record])).logs[0]!;
    expect(log.attributes).toEqual({});
    expect(log.droppedAttributesCount).toBe(1);
  });
});

describe('an OTLP/JSON body of millions of tiny objects', () => {
  it('is refused before JSON.parse builds them, naming the limit', () => {
    const events = `[${Array(2_500_000).fill('{}').join(',')}]`;
    const body = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${TRACE_HEX}","spanId":"${SPAN_HEX}","events":${events}}]}]}]}`;
    expect(() => decodeTracesJson(body)).toThrow(
      /more than 2000000 JSON objects and arrays; send smaller batches/,
    );
    expect(() => decodeLogsJson(body)).toThrow(/more than 2000000 JSON objects/);
  });
});
