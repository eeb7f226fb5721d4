import type { ClickHouseClient } from '@clickhouse/client';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
  SimpleLogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { type FaultPlan, faultsInOrder, type NetworkFault } from '../helpers/breaking-proxy.js';
import { type ClickHouseOverNetwork, clickhouseOverNetwork } from '../helpers/clickhouse-network.js';
import { jsonBatch, makeReadableSpans } from '../helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from '../helpers/start-collector.js';

/*
 * Under `--store clickhouse` the way to the store is a network: it refuses, resets and times out. The
 * collector must answer those with 503 and Retry-After (which the official exporters retry), never
 * 400 (which they drop), and a batch retried after half of it landed must read back once. Real
 * sockets: the client reaches the engine through a TCP proxy that breaks the inserts a test picks.
 */
let running: RunningCollector | undefined;
let network: ClickHouseOverNetwork | undefined;

afterEach(async () => {
  await running?.stop();
  await network?.close();
  running = undefined;
  network = undefined;
});

async function collectorOnClickHouse(
  plan: FaultPlan,
): Promise<{ running: RunningCollector; client: ClickHouseClient }> {
  network = await clickhouseOverNetwork(plan);
  const store = await ClickHouseStore.open({ client: network.client, retentionMs: 7 * 86_400_000 });
  running = await startCollector({}, { store });
  return { running, client: network.client };
}

/** Two log records of a trace's server span, as the official SDK hands them to its exporter. */
function logsOf(spans: ReadableSpan[]): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const context = trace.setSpanContext(ROOT_CONTEXT, spans[0]!.spanContext());
  const logger = provider.getLogger('pino');
  logger.emit({ body: 'loading order', severityNumber: SeverityNumber.INFO, context });
  logger.emit({ body: 'query failed', severityNumber: SeverityNumber.ERROR, severityText: 'error', context });
  return memory.getFinishedLogRecords();
}

function exported<T>(
  exporter: { export(items: T[], done: (result: { code: ExportResultCode }) => void): void },
  items: T[],
) {
  return new Promise<ExportResultCode>((resolve) => exporter.export(items, (result) => resolve(result.code)));
}

async function count(client: ClickHouseClient, sql: string): Promise<number> {
  const result = await client.query({ query: sql, format: 'JSONEachRow' });
  const [row] = await result.json<{ n: string }>();
  return Number(row?.n);
}

describe('a ClickHouse store that cannot be reached', () => {
  it.each<NetworkFault | 'refused'>(['refused', 'reset', 'drop-after-commit', 'stall'])(
    'answers 503 with Retry-After when the insert meets %s, then takes the batch again',
    async (fault) => {
      let failing = true;
      const { running } = await collectorOnClickHouse((table) =>
        failing && table === 'otel_traces' && fault !== 'refused' ? fault : null,
      );
      const post = () =>
        fetch(`http://127.0.0.1:${running.otlpHttpPort}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(jsonBatch()),
        });
      if (fault === 'refused') await network!.proxy.refuse();
      const refused = await post();
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await refused.text()).toContain('ClickHouse insert into otel_traces failed');
      failing = false;
      if (fault === 'refused') await network!.proxy.listen();
      expect((await post()).status).toBe(200);
    },
  );

  it('loses nothing the official exporters were told landed, and reads a retried batch back once', async () => {
    const plan = faultsInOrder([
      // Logs land, the answer is lost: the retry writes them again (and the spans a first time).
      { table: 'otel_logs', fault: 'drop-after-commit' },
      { table: 'otel_traces', fault: 'reset' },
      { table: 'otel_traces', fault: 'drop-after-commit' },
      { table: 'otel_traces', fault: 'stall' },
    ]);
    const { running, client } = await collectorOnClickHouse(plan);
    // Long enough for the exporter to retry after Retry-After a few times (its default is 10 s).
    const url = `http://127.0.0.1:${running.otlpHttpPort}`;
    const traceExporter = new OTLPTraceExporter({ url: `${url}/v1/traces`, timeoutMillis: 60_000 });
    const logExporter = new OTLPLogExporter({ url: `${url}/v1/logs`, timeoutMillis: 60_000 });
    const traces = Array.from({ length: 6 }, (_, i) => makeReadableSpans(`svc-${i}`));
    const results = await Promise.all(
      traces.flatMap((spans) => [exported(logExporter, logsOf(spans)), exported(traceExporter, spans)]),
    );
    await Promise.all([traceExporter.shutdown(), logExporter.shutdown()]);

    expect(plan.left()).toBe(0);
    expect(results.every((code) => code === ExportResultCode.SUCCESS)).toBe(true);
    for (const spans of traces) {
      const traceId = spans[0]!.spanContext().traceId;
      const response = await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body.spans.map((s: { spanId: string }) => s.spanId).sort()).toEqual(
        spans.map((s) => s.spanContext().spanId).sort(),
      );
      expect(body.logs.map((l: { body: string }) => l.body).sort()).toEqual([
        'loading order',
        'query failed',
      ]);
    }
    // The lost answers did leave rows twice; the reads above collapsed them.
    expect(await count(client, 'SELECT count() AS n FROM otel_traces')).toBeGreaterThan(12);
    expect(await count(client, 'SELECT count() AS n FROM otel_logs')).toBeGreaterThan(12);
  }, 90_000);
});
