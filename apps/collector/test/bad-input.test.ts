import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBatch, makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
let keptTraceId: string;

beforeAll(async () => {
  running = await startCollector();
  const spans = makeReadableSpans('kept');
  keptTraceId = spans[0]!.spanContext().traceId;
  const response = await post(protobufBatch(spans), 'application/x-protobuf');
  expect(response.statusCode).toBe(200);
});

afterAll(async () => {
  await running.stop();
});

function post(payload: Buffer | string, contentType: string, headers: Record<string, string> = {}) {
  return running.collector.otlp.inject({
    method: 'POST',
    url: '/v1/traces',
    payload,
    headers: { 'content-type': contentType, ...headers },
  });
}

/** After every bad request: the earlier trace is intact, the database is sound, the collector serves. */
async function expectStoreIntact() {
  const trace = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${keptTraceId}` });
  expect(trace.statusCode).toBe(200);
  expect(trace.json().spans).toHaveLength(2);
  const db = new Database(running.dbPath, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  const ok = await post(protobufBatch(), 'application/x-protobuf');
  expect(ok.statusCode).toBe(200);
}

function jsonWithSpanIds(traceId: string, spanId: string) {
  const batch = jsonBatch();
  const span = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
  span.traceId = traceId;
  span.spanId = spanId;
  return batch;
}

describe('OTLP/HTTP refuses bad input with a clear answer and loses nothing else', () => {
  it('answers 400 with a message for truncated protobuf', async () => {
    const whole = protobufBatch();
    const response = await post(whole.subarray(0, whole.length - 7), 'application/x-protobuf');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/x-protobuf');
    expect(response.body).toMatch(/truncated|past the end|length/i);
    await expectStoreIntact();
  });

  it('answers 400 for JSON sent with the protobuf content type', async () => {
    const response = await post(JSON.stringify(jsonBatch()), 'application/x-protobuf');
    expect(response.statusCode).toBe(400);
    await expectStoreIntact();
  });

  it('answers 400 in JSON for a body that is not JSON', async () => {
    const response = await post('{"resourceSpans": [', 'application/json');
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/JSON/);
    await expectStoreIntact();
  });

  it('answers 415 for a content type OTLP does not define', async () => {
    const response = await post('hello', 'text/plain');
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('FL_ERR_UNSUPPORTED_MEDIA_TYPE');
    await expectStoreIntact();
  });

  it('keeps the valid spans of a batch and reports non-hex and wrong-length ids as rejected', async () => {
    for (const [traceId, spanId] of [
      ['zz'.repeat(16), '00f067aa0ba902b7'],
      ['4bf92f3577b34da6a3ce929d0e0e47', '00f067aa0ba902b7'],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902'],
    ] as const) {
      const batch = jsonWithSpanIds(traceId, spanId);
      const validSpan = batch.resourceSpans[0]!.scopeSpans[0]!.spans[1]!;
      const response = await post(JSON.stringify(batch), 'application/json');
      expect(response.statusCode).toBe(200);
      expect(response.json().partialSuccess).toMatchObject({ rejectedSpans: expect.anything() });
      expect(Number(response.json().partialSuccess.rejectedSpans)).toBe(1);
      expect(response.json().partialSuccess.errorMessage).toMatch(/id/);
      const stored = await running.collector.api.inject({
        method: 'GET',
        url: `/api/traces/${validSpan.traceId}`,
      });
      expect(stored.json().spans.map((s: { spanId: string }) => s.spanId)).toContain(validSpan.spanId);
    }
    await expectStoreIntact();
  });

  it('rejects a span timed past 2262 (beyond a signed 64-bit ns) and keeps the rest of its batch', async () => {
    for (const encoding of ['protobuf', 'json'] as const) {
      const spans = makeReadableSpans('far-future');
      const [child, server] = spans as [ReadableSpan, ReadableSpan];
      // 1.8e19 ns: a valid fixed64, but past 2^63 - 1 ns, which no store column can hold.
      Object.defineProperty(child, 'startTime', { value: [18_000_000_000, 0] });
      Object.defineProperty(child, 'endTime', { value: [18_000_000_001, 0] });
      const response =
        encoding === 'protobuf'
          ? await post(protobufBatch(spans), 'application/x-protobuf')
          : await post(JSON.stringify(jsonBatch(spans)), 'application/json');
      expect(response.statusCode, encoding).toBe(200);
      const partial =
        encoding === 'protobuf'
          ? ProtobufTraceSerializer.deserializeResponse(response.rawPayload).partialSuccess!
          : response.json().partialSuccess;
      expect(Number(partial.rejectedSpans), encoding).toBe(1);
      expect(partial.errorMessage).toMatch(/start time 18000000000000000000 ns is past 2262-04-11/);
      const stored = await running.collector.api.inject({
        method: 'GET',
        url: `/api/traces/${server.spanContext().traceId}`,
      });
      expect(stored.json().spans.map((s: { spanId: string }) => s.spanId)).toEqual([
        server.spanContext().spanId,
      ]);
    }
    await expectStoreIntact();
  });

  it('rejects a log record timed past 2262 and keeps the other records of its batch', async () => {
    const record = (time: string, body: string) => ({ timeUnixNano: time, body: { stringValue: body } });
    const request = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'far-future-logs' } }] },
          scopeLogs: [
            {
              logRecords: [record('18000000000000000000', 'too late'), record('1700000000000000000', 'kept')],
            },
          ],
        },
      ],
    };
    const response = await running.collector.otlp.inject({
      method: 'POST',
      url: '/v1/logs',
      payload: JSON.stringify(request),
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(200);
    expect(Number(response.json().partialSuccess.rejectedLogRecords)).toBe(1);
    expect(response.json().partialSuccess.errorMessage).toMatch(
      /log record 1 .*time 18000000000000000000 ns/,
    );
    await expectStoreIntact();
  });

  it('answers 413 for a 25 MiB body', async () => {
    const response = await post(Buffer.alloc(25 * 1024 * 1024, 1), 'application/x-protobuf');
    expect(response.statusCode).toBe(413);
    await expectStoreIntact();
  });

  it('answers a 25 MiB JSON body 413 with the collector code, not the body parser one', async () => {
    const response = await post(' '.repeat(25 * 1024 * 1024), 'application/json');
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'FL_ERR_BODY_TOO_LARGE', statusCode: 413 });
    await expectStoreIntact();
  });

  it('answers 413 for a gzip bomb without inflating it whole', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage().rss;
    const response = await post(bomb, 'application/x-protobuf', { 'content-encoding': 'gzip' });
    expect(response.statusCode).toBe(413);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    await expectStoreIntact();
  });

  it('accepts a gzip-compressed batch', async () => {
    const spans = makeReadableSpans('gzipped');
    const response = await post(gzipSync(protobufBatch(spans)), 'application/x-protobuf', {
      'content-encoding': 'gzip',
    });
    expect(response.statusCode).toBe(200);
    const stored = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${spans[0]!.spanContext().traceId}`,
    });
    expect(stored.json().spans[0].service).toBe('gzipped');
  });

  it('stores an AnyValue nested 10,000 deep (JSON) cut at the depth limit, without crashing', async () => {
    const batch = jsonBatch();
    const span = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.attributes = [{ key: 'deep', value: { stringValue: 'PLACEHOLDER' } }];
    // Written by hand: JSON.stringify itself overflows the stack on a 10,000-deep object.
    const deep = `${'{"arrayValue":{"values":['.repeat(10_000)}{"stringValue":"bottom"}${']}}'.repeat(10_000)}`;
    const body = JSON.stringify(batch).replace('{"stringValue":"PLACEHOLDER"}', deep);
    const response = await post(body, 'application/json');
    expect(response.statusCode).toBe(200);
    const stored = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${span.traceId}` });
    const value = stored.json().spans.find((s: { spanId: string }) => s.spanId === span.spanId)
      .attributes.deep;
    expect(JSON.stringify(value)).toContain('[nested too deep]');
    await expectStoreIntact();
  });

  it('stores an AnyValue nested 10,000 deep (protobuf) cut at the depth limit, without crashing', async () => {
    // Built by hand from opentelemetry-proto field numbers: request.resource_spans(1) ->
    // scope_spans(2) -> spans(2) -> Span{trace_id 1, span_id 2, name 5, start 7, end 8, attributes 9};
    // KeyValue{key 1, value 2}; AnyValue{string_value 1, array_value 5}; ArrayValue{values 1}.
    const varint = (n: number) => {
      const out: number[] = [];
      while (n > 0x7f) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.push(n);
      return Buffer.from(out);
    };
    const field = (tag: number, payload: Buffer) =>
      Buffer.concat([Buffer.from([tag]), varint(payload.length), payload]);
    const fixed64 = (tag: number, value: bigint) => {
      const bytes = Buffer.alloc(9);
      bytes[0] = tag;
      bytes.writeBigUInt64LE(value, 1);
      return bytes;
    };
    let value = field(0x0a, Buffer.from('bottom'));
    for (let i = 0; i < 10_000; i++) value = field(0x2a, field(0x0a, value));
    const traceId = '5b8efff798038103d269b633813fc60c';
    const spanId = 'eee19b7ec3c1b174';
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = Buffer.concat([
      field(0x0a, Buffer.from(traceId, 'hex')),
      field(0x12, Buffer.from(spanId, 'hex')),
      field(0x2a, Buffer.from('deep')),
      fixed64(0x39, now),
      fixed64(0x41, now + 1_000_000n),
      field(0x4a, Buffer.concat([field(0x0a, Buffer.from('deep')), field(0x12, value)])),
    ]);
    const request = field(0x0a, field(0x12, field(0x12, span)));
    const response = await post(request, 'application/x-protobuf');
    expect(response.statusCode).toBe(200);
    const stored = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
    expect(JSON.stringify(stored.json().spans[0].attributes.deep)).toContain('[nested too deep]');
    await expectStoreIntact();
  });

  it('stores a 1 MB attribute value truncated rather than refusing the span', async () => {
    const batch = jsonBatch();
    const span = batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.attributes = [{ key: 'huge', value: { stringValue: 'x'.repeat(1024 * 1024) } }];
    const response = await post(JSON.stringify(batch), 'application/json');
    expect(response.statusCode).toBe(200);
    const stored = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${span.traceId}` });
    const huge = stored.json().spans.find((s: { spanId: string }) => s.spanId === span.spanId)
      .attributes.huge;
    expect(huge.length).toBeLessThan(1024 * 1024);
    expect(huge.startsWith('xxxx')).toBe(true);
    await expectStoreIntact();
  });

  it('answers 200 to an empty protobuf request and 400 to an empty JSON one', async () => {
    expect((await post(Buffer.alloc(0), 'application/x-protobuf')).statusCode).toBe(200);
    expect((await post('', 'application/json')).statusCode).toBe(400);
    await expectStoreIntact();
  });
});
