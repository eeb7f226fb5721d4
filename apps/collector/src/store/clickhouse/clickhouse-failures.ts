import type { ClickHouseClient } from '@clickhouse/client';
import { assembleServiceMap } from '../shared/service-map.js';
import type { FailureGroup, ServiceMap, ServiceMapNode } from '../types.js';
import { since } from './exporter-sql.js';
import { ns, queryRows } from './query-rows.js';

const SAMPLES_KEPT = 5;
const MAX_LISTED = 20;
const MINUTE_NS = 60_000_000_000n;

const floorToMinuteNs = (value: bigint): bigint => (value / MINUTE_NS) * MINUTE_NS;

interface GroupRow {
  fingerprint: string;
  origin_service: string;
  origin_operation: string;
  cause: string;
  exception_type: string | null;
  message: string | null;
  summary: string;
  count: string;
  saturated_count: string;
  first_seen_ns: string;
  last_seen_ns: string;
  first_version: string | null;
  versions: string[];
  endpoints: string[];
  origin_endpoints: string[];
  latest_trace_id: string;
  sample_trace_ids: string[];
}

/*
 * A failure group is an aggregation over the failing verdicts of its traces (one row per trace, the
 * latest verdict winning), so a trace whose verdict moves to another group is counted in the new one
 * only. Fields the SQLite store keeps from the latest trace are taken at the latest start here.
 */
const GROUPS_SQL = (where: string) => `SELECT Fingerprint AS fingerprint,
    argMax(OriginService, StartNs) AS origin_service, argMax(OriginOperation, StartNs) AS origin_operation,
    argMax(Cause, StartNs) AS cause, argMax(ExceptionType, StartNs) AS exception_type,
    argMax(Message, StartNs) AS message, argMax(Summary, StartNs) AS summary, count() AS count,
    countIf(Saturated = 1) AS saturated_count,
    toString(min(StartNs)) AS first_seen_ns, toString(max(StartNs)) AS last_seen_ns,
    argMin(ServiceVersion, StartNs) AS first_version, groupUniqArray(${MAX_LISTED})(ServiceVersion) AS versions,
    groupUniqArray(${MAX_LISTED})(EntryEndpoint) AS endpoints,
    groupUniqArray(${MAX_LISTED})(OriginEndpoint) AS origin_endpoints, argMax(TraceId, StartNs) AS latest_trace_id,
    arrayMap(p -> p.2, arraySlice(arrayReverseSort(groupArray((StartNs, TraceId))), 1, ${SAMPLES_KEPT})) AS sample_trace_ids
  FROM faultline_verdicts FINAL WHERE Failing = 1 AND ${where}
  GROUP BY Fingerprint`;

/** Failure groups, fix verification and the service map, each one query over Faultline's tables. */
export class ClickHouseFailures {
  private readonly client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.client = client;
  }

  async groups(sinceNs: bigint, limit: number, minutesSinceMs: number): Promise<FailureGroup[]> {
    const rows = await queryRows<GroupRow>(
      this.client,
      `${GROUPS_SQL('1')} HAVING max(StartNs) >= {since:Int64} ORDER BY max(StartNs) DESC LIMIT {limit:UInt32}`,
      { since: ns(sinceNs), limit },
    );
    return this.withMinutes(rows, minutesSinceMs);
  }

  async groupOfTrace(traceId: string): Promise<FailureGroup | null> {
    const rows = await queryRows<GroupRow>(
      this.client,
      GROUPS_SQL(`Fingerprint IN (SELECT Fingerprint FROM faultline_verdicts FINAL
        WHERE TraceId = {traceId:String} AND Failing = 1)`),
      { traceId },
    );
    const [group] = await this.withMinutes(rows, 0);
    return group ?? null;
  }

  private async withMinutes(rows: GroupRow[], minutesSinceMs: number): Promise<FailureGroup[]> {
    if (rows.length === 0) return [];
    const minutes = await queryRows<{ fingerprint: string; minute_ms: string; count: string }>(
      this.client,
      `SELECT Fingerprint AS fingerprint, intDiv(StartNs, 60000000000) * 60000 AS minute_ms, count() AS count
      FROM faultline_verdicts FINAL WHERE Failing = 1 AND Fingerprint IN {fingerprints:Array(String)}
      GROUP BY fingerprint, minute_ms HAVING minute_ms >= {since:Int64} ORDER BY minute_ms`,
      { fingerprints: rows.map((r) => r.fingerprint), since: minutesSinceMs },
    );
    return rows.map((row) => ({
      fingerprint: row.fingerprint,
      originService: row.origin_service,
      originOperation: row.origin_operation,
      cause: row.cause,
      exceptionType: row.exception_type,
      message: row.message,
      summary: row.summary,
      count: Number(row.count),
      saturatedCount: Number(row.saturated_count),
      firstSeenUnixNano: BigInt(row.first_seen_ns),
      lastSeenUnixNano: BigInt(row.last_seen_ns),
      firstVersion: row.first_version,
      versions: row.versions,
      entryEndpoints: row.endpoints,
      originEndpoints: row.origin_endpoints,
      latestTraceId: row.latest_trace_id,
      sampleTraceIds: row.sample_trace_ids,
      perMinute: minutes
        .filter((m) => m.fingerprint === row.fingerprint)
        .map((m) => ({ minuteUnixMs: Number(m.minute_ms), count: Number(m.count) })),
    }));
  }

  /** The first version of `service` (from its spans' resources) that started after `afterNs`, other than the failing ones. */
  async versionStartedAfter(service: string, afterNs: bigint, failingVersions: readonly string[]) {
    const rows = await queryRows<{ version: string; first_seen_ns: string }>(
      this.client,
      `SELECT ResourceAttributes['service.version'] AS version, toString(min(toUnixTimestamp64Nano(Timestamp))) AS first_seen_ns
      FROM otel_traces WHERE ServiceName = {service:String} AND version != ''
      GROUP BY version HAVING min(toUnixTimestamp64Nano(Timestamp)) > {after:Int64}
        AND version NOT IN {failing:Array(String)}
      ORDER BY min(toUnixTimestamp64Nano(Timestamp)) LIMIT 1`,
      { service, after: ns(afterNs), failing: [...failingVersions] },
    );
    const row = rows[0];
    return row ? { version: row.version, firstSeenUnixNano: BigInt(row.first_seen_ns) } : null;
  }

  /**
   * The service map of traces started since `sinceNs` (to the minute, as the SQLite store counts):
   * edges summed from each finalized trace's own, node counts from the failing verdicts, and every
   * service seen within `servicesSinceNs` as a node.
   */
  async serviceMap(sinceNs: bigint, servicesSinceNs: bigint): Promise<ServiceMap> {
    const params = { since: ns(floorToMinuteNs(sinceNs)), servicesSince: ns(servicesSinceNs) };
    const [services, edges, originated, passed] = await Promise.all([
      queryRows<{ service: string }>(
        this.client,
        `SELECT DISTINCT ServiceName AS service FROM otel_traces WHERE ${since('servicesSince')} ORDER BY service`,
        params,
      ),
      queryRows<{
        source: string;
        target: string;
        kind: ServiceMapNode['kind'];
        calls: string;
        errors: string;
      }>(
        this.client,
        `SELECT e.source AS source, e.target AS target, any(e.kind) AS kind, sum(e.calls) AS calls,
          sum(e.errors) AS errors
        FROM faultline_finalized FINAL ARRAY JOIN Edges AS e WHERE StartNs >= {since:Int64}
        GROUP BY source, target HAVING calls > 0 ORDER BY source, target`,
        params,
      ),
      queryRows<{ node: string; count: string }>(
        this.client,
        `SELECT OriginNode AS node, count() AS count FROM faultline_verdicts FINAL
        WHERE Failing = 1 AND TraceStartNs >= {since:Int64} GROUP BY node`,
        params,
      ),
      queryRows<{ node: string; count: string }>(
        this.client,
        `SELECT node, count() AS count FROM faultline_verdicts FINAL ARRAY JOIN PassedThrough AS node
        WHERE Failing = 1 AND TraceStartNs >= {since:Int64} GROUP BY node`,
        params,
      ),
    ]);
    return assembleServiceMap({
      services: services.map((row) => row.service),
      edges: edges.map((e) => ({
        source: e.source,
        target: e.target,
        targetKind: e.kind,
        calls: Number(e.calls),
        errors: Number(e.errors),
      })),
      nodeCounts: [
        ...originated.map((row) => ({ node: row.node, originated: Number(row.count), passedThrough: 0 })),
        ...passed.map((row) => ({ node: row.node, originated: 0, passedThrough: Number(row.count) })),
      ],
    });
  }
}
