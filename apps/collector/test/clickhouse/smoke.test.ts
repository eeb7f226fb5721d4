import { describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { chdbClient } from '../helpers/clickhouse-engine.js';
import { makeFailingChain, makeLog } from '../helpers/make-span.js';

describe('smoke', () => {
  it('round trips', async () => {
    const store = await ClickHouseStore.open({ client: await chdbClient(), retentionMs: 86_400_000 });
    const spans = makeFailingChain();
    await store.write(spans, [makeLog(spans[3]!, 'boom')]);
    const trace = await store.getTrace(spans[0]!.traceId);
    console.log(
      JSON.stringify(trace, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 1).slice(0, 3000),
    );
    console.log(await store.searchTraces({ limit: 10 }));
    const pending = await store.pendingTraces(Date.now() + 1, 100);
    console.log(pending);
    await store.close();
    expect(trace).not.toBeNull();
  });
});
