import { diagnoseTrace } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbClient } from '../helpers/clickhouse-engine.js';
import { makeFailingChain, makeLog } from '../helpers/make-span.js';
import { otelCollectorLogRows, otelCollectorSpanRows } from '../helpers/otel-collector-rows.js';
import { loadRecordedTraces } from '../helpers/recorded-traces.js';

const DAY_MS = 86_400_000;

describe('the ClickHouse store across exporter versions and writers', () => {
  it('reads and writes the older schema: Duration Int64, no scope columns, a DateTime64 lookup table', async () => {
    const store = await ClickHouseStore.open({
      client: await chdbClient('exporter-legacy'),
      retentionMs: DAY_MS,
    });
    try {
      expect(store.schema).toMatchObject({ traceScopeColumns: false, traceIdLookup: true });
      const spans = makeFailingChain();
      spans[0]!.scope = { name: '@opentelemetry/instrumentation-http', version: '0.200.0' };
      await store.write(spans, [makeLog(spans[3]!, 'query failed')]);
      const trace = await store.getTrace(spans[0]!.traceId);
      const gateway = trace!.spans.find((s) => s.spanId === spans[0]!.spanId)!;
      // The older exporter kept the scope in SpanAttributes; it reads back as the span's scope.
      expect(gateway.scope).toEqual(spans[0]!.scope);
      expect(gateway.attributes).not.toHaveProperty('otel.scope.name');
      expect(gateway.endTimeUnixNano).toBe(spans[0]!.endTimeUnixNano);
      // No otel_logs table in that fixture: logs are neither written nor read, and nothing fails.
      expect(trace!.logs).toEqual([]);
      expect(diagnoseTrace(trace!.spans, [])).toMatchObject({ originService: 'orders', cause: 'db_timeout' });
    } finally {
      await store.close();
    }
  });

  it('gives the same verdicts when kind and status are spelled as OTLP/JSON spells them', async () => {
    const client = await chdbClient('exporter-current');
    const recorded = loadRecordedTraces(BigInt(Date.now()) * 1_000_000n);
    await client.insert({
      table: 'otel_traces',
      values: otelCollectorSpanRows(
        recorded.flatMap((t) => t.spans),
        true,
      ),
      format: 'JSONEachRow',
    });
    await client.insert({
      table: 'otel_logs',
      values: otelCollectorLogRows(recorded.flatMap((t) => t.logs)),
      format: 'JSONEachRow',
    });
    const store = await ClickHouseStore.open({ client, retentionMs: DAY_MS });
    try {
      for (const trace of recorded) {
        const stored = await store.getTrace(trace.traceId);
        const expected = diagnoseTrace(trace.spans, trace.logs);
        expect(diagnoseTrace(stored!.spans, stored!.logs), trace.file).toEqual(expected);
      }
    } finally {
      await store.close();
    }
  });

  it('creates exporter-compatible tables in an empty database, which an OTel Collector then writes into', async () => {
    const client = await chdbClient('none');
    const store = await ClickHouseStore.open({ client, retentionMs: DAY_MS });
    try {
      const [chain, fromCollector] = [makeFailingChain(), makeFailingChain()];
      await store.write(chain, []);
      await client.insert({
        table: 'otel_traces',
        values: otelCollectorSpanRows(fromCollector),
        format: 'JSONEachRow',
      });
      await client.insert({
        table: 'otel_logs',
        values: otelCollectorLogRows([makeLog(fromCollector[3]!, 'query failed')]),
        format: 'JSONEachRow',
      });
      expect((await store.getTrace(chain[0]!.traceId))!.spans).toHaveLength(4);
      const trace = await store.getTrace(fromCollector[0]!.traceId);
      expect(trace!.spans).toHaveLength(4);
      expect(trace!.logs).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('finds a trace the lookup table has no row for by its TraceId alone', async () => {
    const client = await chdbClient('exporter-current');
    const store = await ClickHouseStore.open({ client, retentionMs: DAY_MS });
    try {
      const spans = makeFailingChain();
      await store.write(spans, []);
      await client.command({ query: 'TRUNCATE TABLE otel_traces_trace_id_ts' });
      expect((await store.getTrace(spans[0]!.traceId))!.spans).toHaveLength(4);
    } finally {
      await store.close();
    }
  });
});
