import { gzipSync } from 'node:zlib';
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

  it('answers 413 for a 25 MiB body', async () => {
    const response = await post(Buffer.alloc(25 * 1024 * 1024, 1), 'application/x-protobuf');
    expect(response.statusCode).toBe(413);
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

  it('survives an AnyValue nested 10,000 deep', async () => {
    const batch = jsonBatch();
    let value: Record<string, unknown> = { stringValue: 'bottom' };
    for (let i = 0; i < 10_000; i++) value = { arrayValue: { values: [value] } };
    batch.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes = [{ key: 'deep', value }];
    const response = await post(JSON.stringify(batch), 'application/json');
    expect([200, 400]).toContain(response.statusCode);
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
