import { diagnoseTrace } from '@faultline/diagnosis';
import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import type { DiagnosisRecord } from '../../src/store/types.js';
import { faultsInOrder } from '../helpers/breaking-proxy.js';
import { clickhouseOverNetwork } from '../helpers/clickhouse-network.js';
import { makeFailingChain, makeLog } from '../helpers/make-span.js';

/*
 * The ClickHouse finalizer batches its verdicts and writes them in the background. A flush that
 * fails must be heard of (the collector's log), and one that fails half way (verdicts written,
 * finalized rows not, or the other way round) must still end with the trace counted in its group.
 */
/** The verdict the diagnosis loop would record for a failing chain. */
function failingRecord(spans: Span[]): DiagnosisRecord {
  const diagnosis = diagnoseTrace(spans, [])!;
  return {
    fingerprint: 'finalizer-faults',
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
  };
}

describe('the ClickHouse finalizer when ClickHouse drops its writes', () => {
  it('reports a failed background flush, and a flush that failed half way still counts the trace', async () => {
    const faults = faultsInOrder([
      { table: 'faultline_verdicts', fault: 'reset' },
      { table: 'faultline_finalized', fault: 'reset' },
    ]);
    let armed = false;
    const reported: { error: unknown; failures: number }[] = [];
    const network = await clickhouseOverNetwork((table) => (armed ? faults(table) : null));
    const store = await ClickHouseStore.open({
      client: network.client,
      retentionMs: 86_400_000,
      onBackgroundError: (error, failures) => reported.push({ error, failures }),
    });
    try {
      const quiet = () => Date.now() + 60_000;
      const finalizeAll = async () => {
        const outcomes = [];
        for (const p of await store.pendingTraces(quiet(), 10))
          outcomes.push(await store.finalizeTrace(p.traceId, p.stamp, recordOf(p.traceId)));
        return outcomes;
      };
      const counted = async () => (await store.failureGroups(0n, 10, 0)).reduce((sum, g) => sum + g.count, 0);
      const traces = new Map<string, Span[]>();
      const recordOf = (traceId: string) => failingRecord(traces.get(traceId)!);
      const writeTrace = async () => {
        const spans = makeFailingChain();
        traces.set(spans[0]!.traceId, spans);
        await store.write(spans, [makeLog(spans[3]!, 'query failed')]);
      };

      // A first trace opens the group while ClickHouse answers.
      await writeTrace();
      expect(await finalizeAll()).toEqual(['new_group']);
      expect(await counted()).toBe(1);

      armed = true;
      await writeTrace();
      expect(await finalizeAll()).toEqual(['counted']);
      // Nobody waits on this flush: the store's owner hears of it instead.
      const deadline = Date.now() + 10_000;
      while (reported.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(reported).toHaveLength(1);
      expect(reported[0]!.failures).toBe(1);
      expect(reported[0]!.error).toMatchObject({ code: 'ECONNRESET' });

      // What the diagnosis loop does, round after round, until ClickHouse takes every write.
      let total = 1;
      while (total < 2 && Date.now() < deadline) {
        try {
          await finalizeAll();
          total = await counted();
        } catch {
          // a flush the round waited on failed; the next round tries again
        }
      }
      expect(faults.left()).toBe(0);
      expect(total).toBe(2);
      expect(await store.pendingTraces(quiet(), 10)).toEqual([]);
    } finally {
      await store.close();
      await network.close();
    }
  });

  it('reports a run of failing background flushes in one line, not one line each', async () => {
    let verdictInserts = 0;
    const network = await clickhouseOverNetwork((table) => {
      if (table !== 'faultline_verdicts') return null;
      verdictInserts++;
      return 'reset';
    });
    const reported: unknown[] = [];
    const store = await ClickHouseStore.open({
      client: network.client,
      retentionMs: 86_400_000,
      onBackgroundError: (error) => reported.push(error),
    });
    try {
      const deadline = Date.now() + 10_000;
      for (let round = 1; round <= 3; round++) {
        const spans = makeFailingChain();
        await store.write(spans, []);
        for (const p of await store.pendingTraces(Date.now() + 60_000, 10))
          await store.finalizeTrace(p.traceId, p.stamp, failingRecord(spans));
        // The flush runs in the background; the round is over once its insert was broken.
        while (verdictInserts < round && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(verdictInserts).toBe(round);
      }
      await new Promise((r) => setImmediate(r));
      expect(reported).toHaveLength(1);
    } finally {
      await store.close().catch(() => {});
      await network.close();
    }
  });
});
