import { createClient } from '@clickhouse/client';
import { diagnoseTrace } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { makeFailingChain, makeLog } from '../helpers/make-span.js';

/*
 * Opt-in: what chdb cannot show, the HTTP path to a real ClickHouse server (and, pointed at one, its
 * replicated or distributed tables). Set FAULTLINE_CLICKHOUSE_URL (and FAULTLINE_CLICKHOUSE_USER /
 * _PASSWORD) to run it; it works in a database of its own, created and dropped here.
 */
const url = process.env.FAULTLINE_CLICKHOUSE_URL;

describe.runIf(url)('the ClickHouse store on a real server over HTTP', () => {
  it('writes, finds, finalizes and groups a failing trace', async () => {
    const auth = {
      ...(process.env.FAULTLINE_CLICKHOUSE_USER ? { username: process.env.FAULTLINE_CLICKHOUSE_USER } : {}),
      ...(process.env.FAULTLINE_CLICKHOUSE_PASSWORD
        ? { password: process.env.FAULTLINE_CLICKHOUSE_PASSWORD }
        : {}),
    };
    const database = `faultline_test_${process.pid}_${Date.now()}`;
    const admin = createClient({ url, ...auth });
    await admin.command({ query: `CREATE DATABASE ${database}` });
    const store = await ClickHouseStore.open({
      client: createClient({ url, database, ...auth }),
      retentionMs: 86_400_000,
    });
    try {
      const spans = makeFailingChain();
      await store.write(spans, [makeLog(spans[3]!, 'query failed')]);
      const trace = await store.getTrace(spans[0]!.traceId);
      expect(trace!.spans).toHaveLength(4);
      expect(trace!.logs).toHaveLength(1);
      const [pending] = await store.pendingTraces(Date.now() + 60_000, 10);
      const diagnosis = diagnoseTrace(trace!.spans, trace!.logs)!;
      expect(diagnosis).toMatchObject({ originService: 'orders', cause: 'db_timeout' });
      await store.finalizeTrace(pending!.traceId, pending!.stamp, {
        fingerprint: 'real-server',
        originSpanId: diagnosis.originSpanId,
        originService: 'orders',
        originOperation: 'pg.query',
        originNode: 'orders',
        cause: diagnosis.cause,
        exceptionType: null,
        message: null,
        summary: diagnosis.summary,
        version: '1.0.0',
        entryEndpoint: 'GET /api/orders/:id',
        originEndpoint: 'GET /orders/:id',
        startTimeUnixNano: spans[0]!.startTimeUnixNano,
      });
      expect((await store.failureGroups(0n, 10, 0)).map((g) => g.count)).toEqual([1]);
    } finally {
      await store.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      await admin.close();
    }
  });
});
