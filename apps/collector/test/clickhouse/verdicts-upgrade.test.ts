import { diagnoseTrace } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbClient } from '../helpers/clickhouse-engine.js';
import { makeFailingChain } from '../helpers/make-span.js';

/** faultline_verdicts as a collector before origin endpoints created it. */
const VERDICTS_BEFORE_ORIGIN_ENDPOINT = `CREATE TABLE faultline_verdicts (
    TraceId String, Failing UInt8, Fingerprint String, Cause LowCardinality(String), OriginService String,
    OriginOperation String, OriginNode String, OriginSpanId String, ExceptionType Nullable(String),
    Message Nullable(String), Summary String, ServiceVersion Nullable(String), EntryEndpoint Nullable(String),
    StartNs Int64, TraceStartNs Int64, RootService String, RootName String, PassedThrough Array(String),
    Version UInt64
  ) ENGINE = ReplacingMergeTree(Version) ORDER BY TraceId`;

describe('the ClickHouse verdicts table written by an older collector', () => {
  it('gains the origin endpoint column on open, and failure groups list origin endpoints', async () => {
    const client = await chdbClient('exporter-current');
    await client.command({ query: VERDICTS_BEFORE_ORIGIN_ENDPOINT });
    const store = await ClickHouseStore.open({ client, retentionMs: 86_400_000 });
    try {
      const spans = makeFailingChain();
      await store.write(spans, []);
      const [pending] = await store.pendingTraces(Date.now() + 60_000, 10);
      const diagnosis = diagnoseTrace(spans, [])!;
      await store.finalizeTrace(pending!.traceId, pending!.stamp, {
        fingerprint: 'upgraded',
        originSpanId: diagnosis.originSpanId,
        originService: diagnosis.originService,
        originOperation: 'pg.query',
        originNode: diagnosis.originService,
        cause: diagnosis.cause,
        exceptionType: null,
        message: null,
        summary: diagnosis.summary,
        version: '1.0.0',
        entryEndpoint: 'GET /api/orders/:id',
        originEndpoint: 'GET /orders/:id',
        startTimeUnixNano: spans[0]!.startTimeUnixNano,
      });
      const groups = await store.failureGroups(0n, 10, 0);
      expect(groups.map((g) => [g.fingerprint, g.originEndpoints])).toEqual([
        ['upgraded', ['GET /orders/:id']],
      ]);
    } finally {
      await store.close();
    }
  });
});
