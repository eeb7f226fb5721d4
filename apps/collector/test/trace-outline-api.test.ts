import type { WireOutlineColumns } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFailingChain, makeLog, makeSpan, newSpanId, newTraceId } from './helpers/make-span.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
const chain = makeFailingChain();
const traceId = chain[0]!.traceId;
const logs = [makeLog(chain[3]!, 'query failed'), makeLog(chain[2]!, 'request failed')];

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 50 });
  await running.collector.store.write(chain, logs);
});
afterAll(() => running.stop());

async function get(url: string) {
  return running.collector.api.inject({ method: 'GET', url });
}

describe('GET /api/traces/:traceId/outline', () => {
  it('lists every span in columns, names and services once, with the verdict and counts', async () => {
    const response = await get(`/api/traces/${traceId.toUpperCase()}/outline`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const outline = response.json();
    const full = (await get(`/api/traces/${traceId}`)).json();
    expect(outline).toMatchObject({
      traceId,
      startTimeUnixNano: chain[0]!.startTimeUnixNano.toString(),
      spanCount: 4,
      logCount: 2,
      services: ['gateway', 'orders'],
      names: ['GET /api/orders/:id', 'GET', 'GET /orders/:id', 'pg.query:SELECT shop'],
      statusMessages: { 3: 'canceling statement due to statement timeout' },
      missingParents: {},
      diagnosis: full.diagnosis,
      // The origin's details come along, so its page shows the exception without another request.
      origin: {
        span: full.spans.find((s: { spanId: string }) => s.spanId === chain[3]!.spanId),
        logs: full.logs.filter((l: { spanId: string }) => l.spanId === chain[3]!.spanId),
      },
    });
    expect(outline.origin.logs).toHaveLength(1);
    const columns = outline.spans as WireOutlineColumns;
    expect(columns).toEqual({
      spanId: chain.map((s) => s.spanId),
      parent: [-1, 0, 1, 2],
      service: [0, 0, 1, 1],
      name: [0, 1, 2, 3],
      kind: [2, 3, 2, 3],
      status: [2, 0, 2, 2],
      startOffsetNs: [0, 2_000_000, 3_000_000, 4_000_000],
      durationNs: [40_000_000, 36_000_000, 34_000_000, 32_000_000],
      // The client span failed by its 500 alone; only the query recorded an exception.
      flags: [1, 1, 1, 3],
    });
  });

  it('names a parent that never arrived instead of pointing at a span', async () => {
    const orphan = makeSpan({ traceId: newTraceId(), parentSpanId: 'abcdef0123456789' });
    await running.collector.store.write([orphan], []);
    const outline = (await get(`/api/traces/${orphan.traceId}/outline`)).json();
    expect(outline.spans.parent).toEqual([-1]);
    expect(outline.missingParents).toEqual({ 0: 'abcdef0123456789' });
    expect(outline.diagnosis).toBeNull();
    expect(outline.origin).toBeNull();
  });

  it('is a small fraction of the whole trace for a big trace', async () => {
    const big = newTraceId();
    const root = makeSpan({ traceId: big, name: 'GET /report' });
    const children = Array.from({ length: 2000 }, (_, i) =>
      makeSpan({
        traceId: big,
        parentSpanId: root.spanId,
        name: 'pg.query:SELECT orders',
        kind: 'CLIENT',
        startTimeUnixNano: root.startTimeUnixNano + BigInt(i),
        attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = ${i}` },
      }),
    );
    await running.collector.store.write([root, ...children], []);
    const outline = await get(`/api/traces/${big}/outline`);
    const full = await get(`/api/traces/${big}`);
    expect(outline.json().spanCount).toBe(2001);
    expect(outline.body.length * 4).toBeLessThan(full.body.length);
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect((await get(`/api/traces/${newTraceId()}/outline`)).statusCode).toBe(404);
    for (const bad of ['xyz', traceId.slice(1), `${traceId}0`, `${traceId.slice(2)}'--`]) {
      const response = await get(`/api/traces/${encodeURIComponent(bad)}/outline`);
      expect(response.statusCode, bad).toBe(400);
      expect(response.json().code).toBe('FL_ERR_BAD_QUERY');
    }
  });
});

describe('GET /api/traces/:traceId/spans/:spanId', () => {
  it('answers one span as the whole trace has it, with that span’s logs only', async () => {
    const full = (await get(`/api/traces/${traceId}`)).json();
    const response = await get(`/api/traces/${traceId}/spans/${chain[3]!.spanId.toUpperCase()}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      traceId,
      span: full.spans.find((s: { spanId: string }) => s.spanId === chain[3]!.spanId),
      logs: full.logs.filter((l: { spanId: string }) => l.spanId === chain[3]!.spanId),
    });
    expect(response.json().logs).toHaveLength(1);
  });

  it('answers 404 for a span the trace does not have and for an unknown trace', async () => {
    const missing = await get(`/api/traces/${traceId}/spans/${newSpanId()}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('FL_ERR_NOT_FOUND');
    expect((await get(`/api/traces/${newTraceId()}/spans/${chain[0]!.spanId}`)).statusCode).toBe(404);
  });

  it('answers 400 for a malformed span or trace id', async () => {
    for (const bad of ['zz', chain[0]!.spanId.slice(1), `${chain[0]!.spanId}0`, "' OR '1'='1"]) {
      const response = await get(`/api/traces/${traceId}/spans/${encodeURIComponent(bad)}`);
      expect(response.statusCode, bad).toBe(400);
    }
    expect((await get(`/api/traces/nope/spans/${chain[0]!.spanId}`)).statusCode).toBe(400);
  });
});

describe('GET /api/traces/:traceId/logs', () => {
  it('answers every log of the trace as the whole trace has them', async () => {
    const full = (await get(`/api/traces/${traceId}`)).json();
    const response = await get(`/api/traces/${traceId}/logs`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ traceId, logs: full.logs });
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    expect((await get(`/api/traces/${newTraceId()}/logs`)).statusCode).toBe(404);
    expect((await get('/api/traces/1%3B%20DROP%20TABLE%20logs/logs')).statusCode).toBe(400);
  });
});
