import type { ClickHouseClient } from '@clickhouse/client';
import type { Attributes } from '@faultline/model';
import type { ComparisonSamples } from '../types.js';
import { traceSummarySql } from './exporter-sql.js';
import { mapToAttributes } from './exporter-values.js';
import { ns, queryRows } from './query-rows.js';

/** How many spans each side of a group comparison samples, newest first. */
const SAMPLE = 200;
/** How far from a failure its successful counterparts are looked for. */
const AROUND_NS = 3_600_000_000_000n;

interface AttributeRow {
  SpanAttributes: Record<string, string>;
  ResourceAttributes: Record<string, string>;
}

const merged = (row: AttributeRow): Attributes => ({
  ...mapToAttributes(row.ResourceAttributes),
  ...mapToAttributes(row.SpanAttributes),
});

/** What a failure is compared with, found by queries over the exporter's spans and the verdicts. */
export class ClickHouseComparisons {
  private readonly client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.client = client;
  }

  /** The successful trace of the same entry service and operation closest in time (within an hour). */
  async nearestSuccessfulTrace(traceId: string, startNs: bigint): Promise<string | null> {
    const rows = await queryRows<{ trace_id: string }>(
      this.client,
      `WITH entry AS (SELECT root FROM (${traceSummarySql(
        'TraceId = {traceId:String} AND Timestamp >= fromUnixTimestamp64Nano({from:Int64})',
      )}))
      SELECT trace_id FROM (${traceSummarySql(
        'Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND Timestamp <= fromUnixTimestamp64Nano({to:Int64})',
      )})
      WHERE root.1 = (SELECT root.1 FROM entry) AND root.2 = (SELECT root.2 FROM entry)
        AND error_count = 0 AND trace_id != {traceId:String}
      ORDER BY abs(start_ns - {start:Int64}), start_ns LIMIT 1`,
      { traceId, start: ns(startNs), from: ns(startNs - AROUND_NS), to: ns(startNs + AROUND_NS) },
    );
    return rows[0]?.trace_id ?? null;
  }

  /** The origin spans of a group's traces and the same operation's spans in successful requests. */
  async groupSamples(fingerprint: string): Promise<ComparisonSamples | null> {
    const origins = await queryRows<{
      TraceId: string;
      OriginSpanId: string;
      RootService: string;
      RootName: string;
      StartNs: string;
    }>(
      this.client,
      `SELECT TraceId, OriginSpanId, RootService, RootName, toString(StartNs) AS StartNs
      FROM faultline_verdicts FINAL WHERE Failing = 1 AND Fingerprint = {fingerprint:String}
      ORDER BY StartNs DESC LIMIT ${SAMPLE}`,
      { fingerprint },
    );
    const first = origins[0];
    if (!first) return null;
    const oldest = BigInt(origins.at(-1)!.StartNs);
    const failing = await queryRows<AttributeRow & { ServiceName: string; SpanName: string }>(
      this.client,
      `SELECT ServiceName, SpanName, SpanAttributes, ResourceAttributes FROM otel_traces
      WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64}) AND TraceId IN {traces:Array(String)}
        AND SpanId IN {spans:Array(String)}
      ORDER BY Timestamp DESC LIMIT 1 BY TraceId, SpanId`,
      {
        from: ns(oldest - AROUND_NS),
        traces: origins.map((o) => o.TraceId),
        spans: origins.map((o) => o.OriginSpanId),
      },
    );
    const origin = failing[0];
    if (!origin) return null;
    const latest = BigInt(first.StartNs);
    const succeeding = await queryRows<AttributeRow>(
      this.client,
      `SELECT SpanAttributes, ResourceAttributes FROM otel_traces
      WHERE ServiceName = {service:String} AND SpanName = {name:String}
        AND Timestamp >= fromUnixTimestamp64Nano({from:Int64})
        AND TraceId IN (SELECT trace_id FROM (${traceSummarySql('Timestamp >= fromUnixTimestamp64Nano({from:Int64})')})
          WHERE root.1 = {rootService:String} AND root.2 = {rootName:String} AND error_count = 0)
      ORDER BY Timestamp DESC LIMIT 1 BY TraceId, SpanId LIMIT ${SAMPLE}`,
      {
        service: origin.ServiceName,
        name: origin.SpanName,
        from: ns(latest - 24n * AROUND_NS),
        rootService: first.RootService,
        rootName: first.RootName,
      },
    );
    return {
      service: origin.ServiceName,
      operation: origin.SpanName,
      failing: failing.map(merged),
      succeeding: succeeding.map(merged),
    };
  }
}
