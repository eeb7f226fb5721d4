import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { emptyLogRecords, spanWithEmptyEvents, spanWithLongKeys } from './helpers/flood-bodies.js';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector();
});
afterAll(async () => {
  await running.stop();
});

const post = (path: string, body: Buffer) =>
  fetch(`http://127.0.0.1:${running.otlpHttpPort}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });

describe('item counts that bound memory', () => {
  it('an 18 MB span with 9 million empty events is stored with 128 of them and the rest counted', async () => {
    const traceId = randomBytes(16).toString('hex');
    const body = spanWithEmptyEvents(traceId, 9_000_000);
    expect(body.length).toBeGreaterThan(18_000_000);
    const response = await post('/v1/traces', body);
    expect(response.status).toBe(200);
    const trace = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
    const [span] = trace.json().spans;
    expect(span.events).toHaveLength(128);
    expect(span.droppedEventsCount).toBe(9_000_000 - 128);
  });

  it('9 million empty log records in one request are refused with a clear 400, and nothing is stored', async () => {
    const before = running.collector.queue.stats.logsWritten;
    const response = await post('/v1/logs', emptyLogRecords(9_000_000));
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/more than 200000 items .*send smaller batches/);
    expect(running.collector.queue.stats.logsWritten).toBe(before);
    // The collector keeps serving.
    expect((await post('/v1/traces', protobufBatch())).status).toBe(200);
  });
});

describe('attribute keys of any length', () => {
  it('drops keys over 256 bytes and counts them, so the key dictionary never holds them', async () => {
    const traceId = randomBytes(16).toString('hex');
    const response = await post('/v1/traces', spanWithLongKeys(traceId, 200, 19_000));
    expect(response.status).toBe(200);
    const trace = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
    expect(Object.keys(trace.json().spans[0].attributes)).toEqual([]);
    const db = (running.collector.store as SqliteStore).db;
    const row = db
      .prepare(
        'SELECT dropped_attributes FROM spans WHERE trace_key = (SELECT trace_key FROM traces WHERE trace_id = ?)',
      )
      .get(Buffer.from(traceId, 'hex')) as { dropped_attributes: number };
    expect(row.dropped_attributes).toBe(200);
    expect(db.prepare('SELECT count(*) FROM attribute_keys WHERE length(text) > 256').pluck().get()).toBe(0);
  });
});
