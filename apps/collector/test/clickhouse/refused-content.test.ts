import { afterEach, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { chdbClient } from '../helpers/clickhouse-engine.js';
import { makeSpan } from '../helpers/make-span.js';
import { jsonBatch } from '../helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from '../helpers/start-collector.js';

/*
 * The other side of answering 503 for a store that cannot be reached: what ClickHouse refuses for
 * the rows themselves stays 400 (a retry would fail the same way and hold back every batch it is
 * written with), and the batches written with it still land.
 */
let running: RunningCollector | undefined;

afterEach(async () => {
  await running?.stop();
  running = undefined;
});

const DAY_NS = 86_400_000_000_000n;
const START_NS = 1_700_000_000_000_000_000n;

/** An OTLP/JSON body of one span per start time, in a trace of its own. */
function spansAt(starts: readonly bigint[], traceId: string): string {
  const spans = starts.map((start, i) => ({
    traceId,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'GET /',
    kind: 2,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1_000n).toString(),
  }));
  const service = { key: 'service.name', value: { stringValue: 'hostile' } };
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [service] }, scopeSpans: [{ scope: { name: 't' }, spans }] }],
  });
}

describe('what ClickHouse refuses for the rows themselves', () => {
  it.each([
    [
      'spans over more days than one insert may hold',
      Array.from({ length: 150 }, (_, i) => START_NS + BigInt(i) * DAY_NS),
    ],
  ])('%s: answered 400, and a batch written with it still lands', async (_name, starts) => {
    const client = await chdbClient('exporter-current');
    running = await startCollector(
      {},
      { store: await ClickHouseStore.open({ client, retentionMs: 86_400_000 }) },
    );
    const url = `http://127.0.0.1:${running.otlpHttpPort}/v1/traces`;
    const post = (body: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const good = jsonBatch();
    const [hostile, fine] = await Promise.all([
      post(spansAt(starts, 'ab'.repeat(16))),
      post(JSON.stringify(good)),
    ]);
    expect(hostile.status).toBe(400);
    expect(hostile.headers.get('retry-after')).toBeNull();
    expect(fine.status).toBe(200);
    const traceId = good.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId as string;
    expect(
      (await running.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` })).statusCode,
    ).toBe(200);
  });

  it('a time past DateTime64(9) is refused as content, not as a store that cannot be reached', async () => {
    const store = await ClickHouseStore.open({
      client: await chdbClient('exporter-current'),
      retentionMs: 86_400_000,
    });
    try {
      const span = makeSpan({
        traceId: 'cd'.repeat(16),
        startTimeUnixNano: 2n ** 63n + 5n,
        endTimeUnixNano: 2n ** 64n,
      });
      const error = await store.write([span], []).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ type: 'DECIMAL_OVERFLOW' });
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
