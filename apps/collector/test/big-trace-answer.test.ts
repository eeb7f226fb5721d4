import type { Span } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFailingChain, makeLog, makeSpan, newTraceId } from './helpers/make-span.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

/** Writes a trace of `count` spans under one root through the store, into the real SQLite file. */
async function writeWideTrace(
  running: RunningCollector,
  count: number,
): Promise<{ traceId: string; root: Span }> {
  const traceId = newTraceId();
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const root = makeSpan({ traceId, startTimeUnixNano: t0, endTimeUnixNano: t0 + 60_000_000_000n });
  let batch: Span[] = [root];
  for (let i = 1; i < count; i++) {
    batch.push(
      makeSpan({
        traceId,
        parentSpanId: root.spanId,
        name: 'SELECT shop.orders',
        kind: 'CLIENT',
        startTimeUnixNano: t0 + BigInt(i) * 1000n,
        endTimeUnixNano: t0 + BigInt(i) * 1000n + 500_000n,
        attributes: { 'db.system': 'postgresql', 'db.query.text': `SELECT * FROM orders WHERE id = ${i}` },
      }),
    );
    if (batch.length === 5000) {
      await running.collector.store.write(batch, []);
      batch = [];
    }
  }
  await running.collector.store.write(batch, []);
  return { traceId, root };
}

describe('GET /api/traces/:traceId of a trace too large to send whole (default limits)', () => {
  let running: RunningCollector;
  let traceId: string;
  const SPANS = 30_000;
  const LOGS = 25_000;

  beforeAll(async () => {
    running = await startCollector();
    let root: Span;
    ({ traceId, root } = await writeWideTrace(running, SPANS));
    await running.collector.store.write(
      [],
      Array.from({ length: LOGS }, (_, i) => makeLog(root, `line ${i}`)),
    );
  });
  afterAll(async () => {
    await running.stop();
  });

  it('answers a bounded first part that says it was cut and how to go on, while /healthz answers', async () => {
    const base = `http://127.0.0.1:${running.port}`;
    let answered = false;
    const answer = fetch(`${base}/api/traces/${traceId}`).then(async (r) => {
      const text = await r.text();
      answered = true;
      return { status: r.status, text };
    });
    const health: number[] = [];
    while (!answered) health.push((await fetch(`${base}/healthz`)).status);
    const { status, text } = await answer;
    expect(status).toBe(200);
    expect(health.every((s) => s === 200)).toBe(true);
    const body = JSON.parse(text);
    expect(body.traceId).toBe(traceId);
    expect(body.truncated).toBe(true);
    expect(body.spans.length).toBeGreaterThan(0);
    expect(body.spans.length).toBeLessThan(SPANS);
    expect(body.logs).toEqual([]);
    expect(body.diagnosis).toBeNull();
    expect(text.length).toBeLessThan(20 * 1024 * 1024);
    expect(body.message).toMatch(/too large/);
    expect(body.message).toContain(`?cursor=${body.nextCursor}`);
    expect(body.message).toContain(`/api/traces/${traceId}/outline`);

    const second = (await (
      await fetch(`${base}/api/traces/${traceId}?cursor=${body.nextCursor}`)
    ).json()) as {
      truncated: boolean;
      spans: { spanId: string }[];
    };
    expect(second.truncated).toBe(true);
    const firstIds = new Set(body.spans.map((s: { spanId: string }) => s.spanId));
    expect(second.spans.some((s) => firstIds.has(s.spanId))).toBe(false);
  });

  it('answers its logs in a bounded part too, going on through the trace route', async () => {
    const base = `http://127.0.0.1:${running.port}/api/traces/${traceId}`;
    const first = (await (await fetch(`${base}/logs`)).json()) as {
      logs: { body: string }[];
      truncated: boolean;
      nextCursor: string;
      message: string;
    };
    expect(first.truncated).toBe(true);
    expect(first.logs.length).toBeGreaterThan(0);
    expect(first.logs.length).toBeLessThan(LOGS);
    expect(first.message).toContain(`?cursor=${first.nextCursor}`);
    const rest = (await (await fetch(`${base}?cursor=${first.nextCursor}`)).json()) as {
      spans: unknown[];
      logs: { body: string }[];
      nextCursor: string | null;
    };
    expect(rest.spans).toEqual([]);
    expect(rest.nextCursor).toBeNull();
    const bodies = new Set([...first.logs, ...rest.logs].map((l) => l.body));
    expect(bodies.size).toBe(LOGS);
  });

  it('compares a failing request with it as the nearest success without building it: no baseline', async () => {
    const failing = makeSpan({
      traceId: newTraceId(),
      status: { code: 'ERROR' },
      attributes: { 'http.response.status_code': 500 },
    });
    await running.collector.store.write([failing], []);
    expect(await running.collector.store.nearestSuccessfulTrace(failing.traceId)).toBe(traceId);
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${failing.traceId}/compare`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ traceId: failing.traceId, baselineTraceId: null, diff: null });
  });

  it('refuses to build the export and the report of it whole: 422 with the way to read it in parts', async () => {
    for (const route of ['export', 'report', 'compare']) {
      const response = await running.collector.api.inject({
        method: 'GET',
        url: `/api/traces/${traceId}/${route}`,
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().code).toBe('FL_ERR_TRACE_TOO_LARGE');
      expect(response.json().message).toContain('cursor');
    }
  });
});

describe('reading a trace in parts (small limits)', () => {
  let running: RunningCollector;

  beforeAll(async () => {
    running = await startCollector(
      {},
      { traceAnswerLimits: { maxItems: 100, maxBytes: 1024 * 1024, maxFieldBytes: 16 * 1024 } },
    );
  });
  afterAll(async () => {
    await running.stop();
  });

  it('hands out every span and log exactly once across the parts, fields over the cap named in omitted', async () => {
    const { traceId, root } = await writeWideTrace(running, 250);
    const noisy = makeSpan({
      traceId,
      parentSpanId: root.spanId,
      name: 'noisy',
      events: Array.from({ length: 2000 }, (_, i) => ({
        name: `tick ${i}`,
        timeUnixNano: root.startTimeUnixNano,
        attributes: {},
      })),
    });
    const logs = Array.from({ length: 30 }, (_, i) => makeLog(root, `line ${i}`));
    await running.collector.store.write([noisy], logs);

    const spanIds: string[] = [];
    const bodies: string[] = [];
    const omitted: { item: string; field: string }[] = [];
    let cursor: string | null = null;
    let parts = 0;
    do {
      const url: string = `/api/traces/${traceId}${cursor ? `?cursor=${cursor}&resources=shared` : ''}`;
      const part = (await running.collector.api.inject({ method: 'GET', url })).json();
      expect(part.truncated).toBe(true);
      expect(part.spans.length + part.logs.length).toBeLessThanOrEqual(100);
      spanIds.push(...part.spans.map((s: { spanId: string }) => s.spanId));
      bodies.push(...part.logs.map((l: { body: string }) => l.body));
      omitted.push(...part.omitted);
      cursor = part.nextCursor;
      parts++;
    } while (cursor !== null && parts < 20);
    expect(cursor).toBeNull();
    expect(spanIds).toHaveLength(251);
    expect(new Set(spanIds).size).toBe(251);
    expect(bodies.sort()).toEqual(logs.map((l) => l.body).sort());
    expect(omitted).toEqual([expect.objectContaining({ item: noisy.spanId, field: 'events' })]);
  });

  it('answers a trace within the limits whole, in the contract shape, with its diagnosis', async () => {
    const spans = makeFailingChain();
    await running.collector.store.write(spans, []);
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${spans[0]!.traceId}`,
    });
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual(['diagnosis', 'logs', 'spans', 'traceId']);
    expect(body.spans.map((s: { spanId: string }) => s.spanId)).toEqual(spans.map((s) => s.spanId));
    expect(body.diagnosis.cause).toBe('db_timeout');
  });

  it("sends one span's details without a field stored as megabytes of text, naming it in omitted", async () => {
    const [root] = makeFailingChain();
    const noisy = makeSpan({
      traceId: root!.traceId,
      parentSpanId: root!.spanId,
      name: 'noisy',
      events: Array.from({ length: 30_000 }, (_, i) => ({
        name: `tick ${i} `.padEnd(150, '.'),
        timeUnixNano: root!.startTimeUnixNano,
        attributes: {},
      })),
    });
    await running.collector.store.write([root!, noisy], []);
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${root!.traceId}/spans/${noisy.spanId}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.body.length).toBeLessThan(10_000);
    const body = response.json();
    expect(body.span.events).toEqual([]);
    expect(body.omitted).toEqual([{ item: noisy.spanId, field: 'events', storedBytes: expect.any(Number) }]);
    expect(body.omitted[0].storedBytes).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('refuses a cursor it did not hand out with a coded 400', async () => {
    const spans = makeFailingChain();
    await running.collector.store.write(spans, []);
    for (const cursor of [
      'x',
      Buffer.from('s:zz').toString('base64url'),
      Buffer.from('l:-1').toString('base64url'),
    ]) {
      const response = await running.collector.api.inject({
        method: 'GET',
        url: `/api/traces/${spans[0]!.traceId}?cursor=${cursor}`,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('FL_ERR_BAD_QUERY');
    }
  });
});
