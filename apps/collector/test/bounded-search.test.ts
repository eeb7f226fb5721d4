import { join } from 'node:path';
import type { Span } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { makeSpan, newTraceId } from './helpers/make-span.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

const t0 = BigInt(Date.now()) * 1_000_000n - 3_600_000_000_000n;
const SMALL_TRACES = 1500;

/** A trace of `count` spans starting at `startNs`; the span at `needleAt` carries `needle=yes`. */
function trace(startNs: bigint, count: number, needleAt = -1): Span[] {
  const traceId = newTraceId();
  const root = makeSpan({ traceId, startTimeUnixNano: startNs, endTimeUnixNano: startNs + 9_000_000n });
  return [
    root,
    ...Array.from({ length: count - 1 }, (_, i) =>
      makeSpan({
        traceId,
        parentSpanId: root.spanId,
        name: 'SELECT shop.orders',
        startTimeUnixNano: startNs + BigInt(i),
        endTimeUnixNano: startNs + BigInt(i) + 1000n,
        attributes: i + 1 === needleAt ? { needle: 'yes', n: i } : { n: i },
      }),
    ),
  ];
}

/**
 * Newest first: 1,500 four-span traces without the needle, a 12,000-span trace with it on one span,
 * then the oldest trace, with it too.
 */
async function fill(store: SqliteStore): Promise<{ big: string; oldest: string }> {
  const big = trace(t0 + 1_000_000_000n, 12_000, 7_777);
  const oldest = trace(t0, 4, 2);
  let batch: Span[] = [...big, ...oldest];
  for (let i = 0; i < SMALL_TRACES; i++) {
    batch.push(...trace(t0 + 2_000_000_000n + BigInt(i) * 1_000_000n, 4));
    if (batch.length >= 5000) {
      await store.write(batch, []);
      batch = [];
    }
  }
  await store.write(batch, []);
  return { big: big[0]!.traceId, oldest: oldest[0]!.traceId };
}

type Page = { traces: { traceId: string }[]; nextCursor: string | null; cutShort: boolean };

describe('a search that matches little is bounded, says so, and goes on where it stopped', () => {
  let running: RunningCollector;
  let expected: { big: string; oldest: string };

  beforeAll(async () => {
    running = await startCollector();
    const store = new SqliteStore({
      path: join(running.dir, 'bounded.db'),
      retentionMs: 86_400_000,
      maxDbBytes: 2 * 1024 ** 3,
      searchBudget: { maxRows: 1000, maxMs: 60_000 },
    });
    expected = await fill(store);
    await running.stop();
    running = await startCollector({}, { store });
  });
  afterAll(async () => {
    await running.stop();
  });

  const search = async (query: string): Promise<Page> => {
    const response = await fetch(`http://127.0.0.1:${running.port}/api/traces?${query}`);
    expect(response.status).toBe(200);
    return (await response.json()) as Page;
  };

  it('answers cut short with a cursor, and following it finds every match once, in order', async () => {
    const first = await search('attr=needle=yes');
    expect(first).toMatchObject({ traces: [], cutShort: true });
    expect(first.nextCursor).not.toBeNull();
    const found: string[] = [];
    let page = first;
    let requests = 1;
    while (page.nextCursor !== null && requests < 200) {
      page = await search(`attr=needle=yes&cursor=${page.nextCursor}`);
      found.push(...page.traces.map((t) => t.traceId));
      requests++;
    }
    expect(page).toMatchObject({ nextCursor: null, cutShort: false });
    expect(found).toEqual([expected.big, expected.oldest]);
    // 6,000 small spans and a 12,000-span trace against a 1,000-row budget: it took several answers.
    expect(requests).toBeGreaterThan(2);
  });

  it('goes on inside a trace it stopped in, remembering which filters a span already met', async () => {
    const follow = async (query: string) => {
      const found: string[] = [];
      let page = await search(query);
      let requests = 1;
      found.push(...page.traces.map((t) => t.traceId));
      while (page.nextCursor !== null && requests < 200) {
        page = await search(`${query}&cursor=${page.nextCursor}`);
        found.push(...page.traces.map((t) => t.traceId));
        requests++;
      }
      return { found, requests };
    };
    // Nothing matches: the 12,000-span trace is read to its end, one budget's worth per answer.
    const none = await follow('attr=needle=no');
    expect(none.found).toEqual([]);
    expect(none.requests).toBeGreaterThan(12_000 / 4000);
    // Two filters met by different spans of the big trace, whichever answers they fall in.
    expect((await follow('attr=needle=yes&attr=n=5')).found).toEqual([expected.big]);
  });

  it('bounds a filter on the trace rows alone too', async () => {
    const first = await search('status=418');
    expect(first).toMatchObject({ traces: [], cutShort: true });
    let page = first;
    let requests = 1;
    while (page.nextCursor !== null && requests < 20) {
      page = await search(`status=418&cursor=${page.nextCursor}`);
      requests++;
    }
    expect(page).toEqual({ traces: [], nextCursor: null, cutShort: false });
  });

  it('fills a page of common matches in one answer, not cut short', async () => {
    const page = await search('attr=n=1&limit=20');
    expect(page.traces).toHaveLength(20);
    expect(page.cutShort).toBe(false);
    expect(page.nextCursor).not.toBeNull();
  });
});
