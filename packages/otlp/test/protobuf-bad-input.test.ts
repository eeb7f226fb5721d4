import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { decodeLogsProtobuf, decodeTracesProtobuf, OtlpDecodeError } from '../src/index.js';
import {
  concat,
  fixed64Field,
  hexBytes,
  keyValue,
  lenField,
  logsRequest,
  SPAN_ID,
  spanMessage,
  TRACE_ID,
  tracesRequest,
  varint,
} from './support/proto-writer.js';
import { makeSdkSpans } from './support/sdk-spans.js';

function decodeError(decode: () => unknown): unknown {
  try {
    decode();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('a protobuf body that cannot be decoded', () => {
  const batch = ProtobufTraceSerializer.serializeRequest(makeSdkSpans())!;

  it('is an OtlpDecodeError at every cut point of a real batch, except between whole ResourceSpans', () => {
    // The SDK batch holds two ResourceSpans; cut right after the first, the rest is a valid request.
    const firstEnd = endOfFirstField(batch);
    let boundaries = 0;
    for (let cut = 1; cut < batch.length; cut++) {
      const body = batch.subarray(0, cut);
      const error = decodeError(() => decodeTracesProtobuf(body));
      if (cut === firstEnd) {
        expect(error).toBeUndefined();
        expect(decodeTracesProtobuf(body).spans.map((s) => s.service)).toEqual(Array(5).fill('checkout'));
        boundaries++;
      } else {
        expect(error, `cut at ${cut}`).toBeInstanceOf(OtlpDecodeError);
      }
    }
    expect(boundaries).toBe(1);
  });

  it('says which field of which message ran past the end of the buffer', () => {
    expect(() => decodeTracesProtobuf(batch.subarray(0, 100))).toThrow(
      /^truncated protobuf: field 1 of ExportTraceServiceRequest ends past the end of the buffer/,
    );
  });

  it('is refused with a hint when it is JSON sent as protobuf', () => {
    const json = new TextEncoder().encode('{"resourceSpans":[]}');
    expect(() => decodeTracesProtobuf(json)).toThrow(OtlpDecodeError);
    expect(() => decodeLogsProtobuf(json)).toThrow(/looks like JSON.*Content-Type: application\/json/);
  });

  it('is an OtlpDecodeError for an invalid wire type', () => {
    expect(() => decodeTracesProtobuf(Uint8Array.from([(1 << 3) | 7, 0]))).toThrow(/invalid wire type 7/);
  });
});

/** Where the first top-level field of a request ends (tag byte, length varint, payload). */
function endOfFirstField(body: Uint8Array): number {
  let length = 0;
  let shift = 0;
  let pos = 1;
  for (;;) {
    const byte = body[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return pos + length;
  }
}

describe('a protobuf request with some malformed spans', () => {
  const ok = (name: string) =>
    spanMessage({ name, spanId: hexBytes(`00000000000000${name.padStart(2, '0')}`) });

  it('keeps the valid spans and rejects each malformed one with its reason', () => {
    const body = tracesRequest(
      [
        ok('1'),
        spanMessage({ name: 'short trace', traceId: TRACE_ID.subarray(0, 15) }),
        ok('2'),
        spanMessage({ name: 'no span id', spanId: new Uint8Array(0) }),
        spanMessage({ name: 'zero trace', traceId: new Uint8Array(16) }),
        spanMessage({ name: 'bad parent', parentSpanId: hexBytes('abcdef') }),
        spanMessage({ name: 'long span id', spanId: hexBytes('000102030405060708') }),
        ok('3'),
      ],
      'svc',
      'x',
    );
    const decoded = decodeTracesProtobuf(body);
    expect(decoded.spans.map((s) => s.name)).toEqual(['1', '2', '3']);
    expect(decoded.rejectedSpans).toBe(5);
    expect(decoded.errorMessage).toBe(
      "5 spans rejected: span 2 'short trace' of scope 'x': trace id must be 16 bytes, got 15; " +
        "span 4 'no span id' of scope 'x': span id is missing; " +
        "span 5 'zero trace' of scope 'x': trace id is all zeros; and 2 more",
    );
  });

  it('treats an empty or all-zero parent span id as a root span', () => {
    const decoded = decodeTracesProtobuf(
      tracesRequest([
        spanMessage({ name: 'a', parentSpanId: new Uint8Array(8) }),
        spanMessage({ name: 'b' }),
      ]),
    );
    expect(decoded.spans.map((s) => s.parentSpanId)).toEqual([null, null]);
  });

  it('drops a link with malformed ids but keeps its span', () => {
    const badLink = lenField(13, concat(lenField(1, TRACE_ID.subarray(0, 4)), lenField(2, SPAN_ID)));
    const goodLink = lenField(13, concat(lenField(1, TRACE_ID), lenField(2, SPAN_ID)));
    const [span] = decodeTracesProtobuf(tracesRequest([spanMessage({ extra: [badLink, goodLink] })])).spans;
    expect(span?.links).toEqual([
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', attributes: {} },
    ]);
  });
});

describe('protobuf log records', () => {
  const record = (...fields: Uint8Array[]) =>
    concat(fixed64Field(11, 1_700_000_000_000_000_007n), lenField(5, lenField(1, 'hello')), ...fields);

  it('with a malformed trace or span id are rejected, the others kept', () => {
    const decoded = decodeLogsProtobuf(
      logsRequest([
        record(lenField(9, TRACE_ID.subarray(0, 3))),
        record(),
        record(lenField(10, hexBytes('0102'))),
      ]),
    );
    expect(decoded.logs).toHaveLength(1);
    expect(decoded.rejectedLogRecords).toBe(2);
    expect(decoded.errorMessage).toBe(
      "2 log records rejected: log record 1 of scope 'lib': trace id must be 16 bytes, got 3; " +
        "log record 3 of scope 'lib': span id must be 8 bytes, got 2",
    );
  });

  it('take the observed time when their own time is 0, and null ids when none or all-zero', () => {
    const [log] = decodeLogsProtobuf(logsRequest([record(lenField(9, new Uint8Array(16)))])).logs;
    expect(log?.timeUnixNano).toBe(1_700_000_000_000_000_007n);
    expect(log?.traceId).toBeNull();
    expect(log?.spanId).toBeNull();
    expect(log?.body).toBe('hello');
  });
});

describe('protobuf edge cases', () => {
  it('decodes an empty body as a request with no spans or logs', () => {
    expect(decodeTracesProtobuf(new Uint8Array(0))).toStrictEqual({
      spans: [],
      rejectedSpans: 0,
      errorMessage: '',
    });
    expect(decodeLogsProtobuf(new Uint8Array(0))).toStrictEqual({
      logs: [],
      rejectedLogRecords: 0,
      errorMessage: '',
    });
  });

  it('names the service unknown_service when the resource has no service.name', () => {
    const body = lenField(1, lenField(2, lenField(2, spanMessage())));
    expect(decodeTracesProtobuf(body).spans[0]?.service).toBe('unknown_service');
  });

  it('shares the resource and scope with spans that came before them in the message', () => {
    const resource = lenField(1, lenField(1, keyValue('service.name', lenField(1, 'late'))));
    const scopeSpans = lenField(
      2,
      concat(lenField(2, spanMessage()), lenField(2, spanMessage()), lenField(1, lenField(1, 'lib'))),
    );
    const spans = decodeTracesProtobuf(lenField(1, concat(scopeSpans, resource))).spans;
    expect(spans.map((s) => [s.service, s.scope])).toEqual([
      ['late', { name: 'lib' }],
      ['late', { name: 'lib' }],
    ]);
    expect(spans[0]?.resource).toBe(spans[1]?.resource);
  });

  it('skips unknown fields of every wire type, groups included, in every message', () => {
    const unknown = Uint8Array.from([
      ...varint((99 << 3) | 0),
      1,
      ...varint((98 << 3) | 1),
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      ...varint((97 << 3) | 5),
      1,
      2,
      3,
      4,
      ...varint((96 << 3) | 2),
      2,
      0xff,
      0xff,
      ...varint((95 << 3) | 3),
      ...varint((94 << 3) | 3),
      ...varint((93 << 3) | 0),
      7,
      ...varint((94 << 3) | 4),
      ...varint((95 << 3) | 4),
    ]);
    const span = spanMessage({
      extra: [unknown],
      attributes: [concat(keyValue('k', concat(lenField(1, 'v'), unknown)), unknown)],
    });
    const body = concat(
      lenField(1, concat(lenField(2, concat(lenField(2, span), unknown)), unknown)),
      unknown,
    );
    const decoded = decodeTracesProtobuf(body);
    expect(decoded.spans).toHaveLength(1);
    expect(decoded.spans[0]?.attributes).toEqual({ k: 'v' });
  });

  it('keeps a span that ends before it starts, with its end moved to its start and the skew recorded', () => {
    const [span] = decodeTracesProtobuf(tracesRequest([spanMessage({ start: 2_000n, end: 1_500n })])).spans;
    expect(span?.endTimeUnixNano).toBe(2_000n);
    expect(span?.attributes['faultline.clock_skew_ns']).toBe(-500);
  });

  it('turns invalid UTF-8 into U+FFFD rather than failing the batch', () => {
    const [span] = decodeTracesProtobuf(
      tracesRequest([spanMessage({ name: '', extra: [lenField(5, Uint8Array.from([0x41, 0xc3]))] })]),
    ).spans;
    expect(span?.name).toBe('A\uFFFD');
  });
});
