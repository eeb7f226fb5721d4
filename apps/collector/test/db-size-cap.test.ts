import { statSync } from 'node:fs';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { hardLimitBytes } from '../src/store/sqlite/size-cap.js';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

const MiB = 1024 * 1024;

/** `count` one-span traces from the OTel SDK, each with `padBytes` of attribute text; some failing. */
function traces(count: number, padBytes: number, failing: (i: number) => boolean) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('size-cap');
  const failingIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      attributes: { 'http.response.status_code': failing(i) ? 500 : 200, pad: `${i}:`.padEnd(padBytes, 'x') },
    });
    if (failing(i)) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      failingIds.push(span.spanContext().traceId);
    }
    span.end();
  }
  return { spans: memory.getFinishedSpans(), failingIds };
}

let running: RunningCollector | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function send(spans: ReturnType<typeof traces>['spans']) {
  return fetch(`http://127.0.0.1:${running!.otlpHttpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: protobufBatch(spans),
  });
}

const fileBytes = () => statSync(running!.dbPath).size;

describe('--max-db-size holds as writes commit', () => {
  it('prunes successful traces past the cap as they arrive, keeping every failing one and the file near the cap', async () => {
    const cap = 3 * MiB;
    // Retention rounds a minute apart, as in production: the cap must hold between them.
    running = await startCollector({ maxDbBytes: cap });
    const failingIds: string[] = [];
    let largestFile = 0;
    for (let round = 0; round < 60; round++) {
      const batch = traces(200, 1000, (i) => i % 40 === 0);
      failingIds.push(...batch.failingIds);
      const response = await send(batch.spans);
      expect(response.status).toBe(200);
      largestFile = Math.max(largestFile, fileBytes());
    }
    // 12,000 traces of ~1.2 KB were sent (~14 MB stored): the file stayed near the 3 MiB cap.
    expect(largestFile).toBeLessThan(hardLimitBytes(cap));
    const db = new Database(running.dbPath, { readonly: true });
    const stored = db.prepare('SELECT count(*) FROM traces').pluck().get() as number;
    const failingStored = db
      .prepare('SELECT lower(hex(trace_id)) FROM traces WHERE error_count > 0')
      .pluck()
      .all() as string[];
    db.close();
    expect(stored).toBeLessThan(12_000);
    expect(stored).toBeGreaterThanOrEqual(1000);
    expect(failingStored.sort()).toEqual([...failingIds].sort());
  });

  it('refuses ingest with 503 + Retry-After past the hard limit, when only the newest traces are left', async () => {
    const cap = 1 * MiB;
    running = await startCollector({ maxDbBytes: cap });
    // The newest 1,000 traces are never pruned; at 16 KB each they are past the 5 MiB hard limit.
    let refused: Response | undefined;
    for (let round = 0; round < 40 && !refused; round++) {
      const response = await send(traces(50, 16_000, () => false).spans);
      if (response.status !== 200) refused = response;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toMatch(/^\d+$/);
    // Pages are allocated in steps of the page size; the WAL is a separate file.
    expect(fileBytes()).toBeLessThanOrEqual(hardLimitBytes(cap) + 64 * 1024);
    const health = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(health.status).toBe(200);
    const list = await fetch(`http://127.0.0.1:${running.port}/api/traces?limit=5`);
    expect(((await list.json()) as { traces: unknown[] }).traces).toHaveLength(5);
  });
});
