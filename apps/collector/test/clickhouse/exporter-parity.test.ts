import { encodeLogsJson, encodeTracesJson } from '@faultline/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbClient } from '../helpers/clickhouse-engine.js';
import { otelCollectorLogRows, otelCollectorSpanRows } from '../helpers/otel-collector-rows.js';
import { loadRecordedTraces, type RecordedTrace } from '../helpers/recorded-traces.js';
import { type RunningCollector, startCollector } from '../helpers/start-collector.js';

/*
 * The acceptance test of the ClickHouse store: the traces recorded from the real demo services are
 * written once into ClickHouse as the OpenTelemetry Collector's exporter writes them (into tables
 * made by the exporter's own DDL) and once into SQLite through OTLP. After each collector's diagnosis
 * loop has finalized them, the query API must answer the same on both.
 */
let traces: RecordedTrace[];
let sqlite: RunningCollector;
let clickhouse: RunningCollector;

async function api(running: RunningCollector, url: string) {
  const response = await running.collector.api.inject({ method: 'GET', url });
  expect(response.statusCode, url).toBe(200);
  return response.json();
}

async function finalized(running: RunningCollector, failing: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { groups } = await api(running, '/api/failures');
    if (groups.reduce((sum: number, g: { count: number }) => sum + g.count, 0) >= failing) return;
    if (Date.now() > deadline) throw new Error(`fewer than ${failing} failing traces were finalized`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  traces = loadRecordedTraces(BigInt(Date.now()) * 1_000_000n);
  const spans = traces.flatMap((t) => t.spans);
  const logs = traces.flatMap((t) => t.logs);

  sqlite = await startCollector({}, { diagnosisQuietMs: 100 });
  for (const [url, payload] of [
    ['/v1/traces', encodeTracesJson(spans)],
    ['/v1/logs', encodeLogsJson(logs)],
  ] as const) {
    const response = await sqlite.collector.otlp.inject({ method: 'POST', url, payload });
    expect(response.statusCode).toBe(200);
  }

  const client = await chdbClient('exporter-current');
  await client.insert({ table: 'otel_traces', values: otelCollectorSpanRows(spans), format: 'JSONEachRow' });
  await client.insert({ table: 'otel_logs', values: otelCollectorLogRows(logs), format: 'JSONEachRow' });
  const store = await ClickHouseStore.open({ client, retentionMs: 7 * 86_400_000 });
  clickhouse = await startCollector({}, { diagnosisQuietMs: 100, store });

  const failing = traces.filter((t) => !t.file.startsWith('ok.')).length;
  await Promise.all([finalized(sqlite, failing), finalized(clickhouse, failing)]);
});

afterAll(async () => {
  await sqlite?.stop();
  await clickhouse?.stop();
});

const sorted = <T>(values: T[], key: (value: T) => string) =>
  [...values].sort((a, b) => key(a).localeCompare(key(b)));

describe('traces written by an OTel Collector into ClickHouse and sent to SQLite over OTLP', () => {
  it('give the same verdict for every trace', async () => {
    for (const trace of traces) {
      const [a, b] = await Promise.all([
        api(sqlite, `/api/traces/${trace.traceId}`),
        api(clickhouse, `/api/traces/${trace.traceId}`),
      ]);
      expect(b.spans.length, trace.file).toBe(a.spans.length);
      expect(b.logs.length, trace.file).toBe(a.logs.length);
      expect(b.diagnosis, trace.file).toEqual(a.diagnosis);
    }
  });

  it('give the same failure groups', async () => {
    const normal = (groups: Record<string, unknown>[]) =>
      sorted(groups, (g) => String(g.fingerprint)).map((g) => ({
        ...g,
        versions: [...(g.versions as string[])].sort(),
        entryEndpoints: [...(g.entryEndpoints as string[])].sort(),
        sampleTraceIds: [...(g.sampleTraceIds as string[])].sort(),
      }));
    const [a, b] = await Promise.all([api(sqlite, '/api/failures'), api(clickhouse, '/api/failures')]);
    expect(a.groups.length).toBeGreaterThanOrEqual(8);
    expect(normal(b.groups)).toEqual(normal(a.groups));
  });

  it('give the same service map', async () => {
    const [a, b] = await Promise.all([api(sqlite, '/api/service-map'), api(clickhouse, '/api/service-map')]);
    const normal = (map: { nodes: { id: string }[]; edges: { source: string; target: string }[] }) => ({
      nodes: sorted(map.nodes, (n) => n.id),
      edges: sorted(map.edges, (e) => `${e.source}>${e.target}`),
    });
    expect(a.edges.length).toBeGreaterThan(0);
    expect(normal(b)).toEqual(normal(a));
  });

  it.each([
    '/api/traces?limit=100',
    '/api/traces?errors=true',
    '/api/traces?service=orders&limit=5',
    '/api/traces?status=500',
    '/api/traces?attr=db.system.name=postgresql&attr=service.name=orders',
    '/api/traces?minDurationMs=100',
  ])('give the same search results and pages for %s', async (url) => {
    const pages = async (running: RunningCollector) => {
      const all: unknown[] = [];
      let next: string | null = null;
      do {
        const page: { traces: { services: string[] }[]; nextCursor: string | null } = await api(
          running,
          next ? `${url}&cursor=${next}` : url,
        );
        all.push(...page.traces.map((t) => ({ ...t, services: [...t.services].sort() })));
        next = page.nextCursor;
      } while (next);
      return all;
    };
    const [a, b] = await Promise.all([pages(sqlite), pages(clickhouse)]);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it('give the same failure-group search', async () => {
    const { groups } = await api(sqlite, '/api/failures');
    for (const group of groups) {
      const url = `/api/traces?group=${group.fingerprint}`;
      const [a, b] = await Promise.all([api(sqlite, url), api(clickhouse, url)]);
      expect(b.traces.map((t: { traceId: string }) => t.traceId)).toEqual(
        a.traces.map((t: { traceId: string }) => t.traceId),
      );
    }
  });
});
