import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFailingChain, makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { IngestQueue } from './ingest-queue.js';

describe('IngestQueue', () => {
  let dir: string;
  let store: SqliteStore;
  let writeErrors: unknown[];
  let queue: IngestQueue;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-queue-'));
    store = new SqliteStore({
      path: join(dir, 'queue.db'),
      retentionMs: 7 * 86_400_000,
      maxDbBytes: 2 * 1024 ** 3,
    });
    writeErrors = [];
    queue = new IngestQueue(store, { maxPendingItems: 10_000, onWriteError: (e) => writeErrors.push(e) });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the batches grouped with one the store refuses, and answers that one 400', async () => {
    const before = makeFailingChain();
    // A value no INTEGER column holds (the decoders reject it; a future bug might not).
    const poison = makeSpan({ traceId: newTraceId(), startTimeUnixNano: 2n ** 64n - 1n });
    poison.endTimeUnixNano = poison.startTimeUnixNano;
    const after = makeFailingChain();
    // Enqueued in one tick, so the three share one transaction.
    const answers = await Promise.allSettled([
      queue.enqueue(before, []),
      queue.enqueue([poison], []),
      queue.enqueue(after, []),
    ]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (answers[1] as PromiseRejectedResult).reason;
    expect(refusal).toMatchObject({ statusCode: 400, code: 'FL_ERR_UNWRITABLE_BATCH' });
    expect(refusal.message).toMatch(/the store cannot write this batch/);
    expect((await store.getTrace(before[0]!.traceId))?.spans).toHaveLength(before.length);
    expect((await store.getTrace(after[0]!.traceId))?.spans).toHaveLength(after.length);
    expect(await store.getTrace(poison.traceId)).toBeNull();
    expect(queue.stats.spansWritten).toBe(before.length + after.length);
    expect(writeErrors.length).toBeGreaterThan(0);
  });

  it('answers 503 to every batch of a group when the store itself cannot write (locked)', async () => {
    store.db.exec('BEGIN IMMEDIATE');
    const other = new SqliteStore({
      path: join(dir, 'queue.db'),
      retentionMs: 7 * 86_400_000,
      maxDbBytes: 2 * 1024 ** 3,
    });
    const locked = new IngestQueue(other, { maxPendingItems: 10_000 });
    const answers = await Promise.allSettled([
      locked.enqueue(makeFailingChain(), []),
      locked.enqueue(makeFailingChain(), []),
    ]);
    store.db.exec('ROLLBACK');
    await other.close();
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
    for (const answer of answers)
      expect((answer as PromiseRejectedResult).reason).toMatchObject({
        statusCode: 503,
        code: 'FL_ERR_STORE_UNAVAILABLE',
      });
  });

  it('counts events and links as items, and refuses a batch over the limit even when the queue is empty', async () => {
    const small = new IngestQueue(store, { maxPendingItems: 10 });
    const span = makeSpan({ traceId: newTraceId() });
    for (let i = 0; i < 9; i++) span.events.push({ name: 'e', timeUnixNano: 1n, attributes: {} });
    span.links.push({ traceId: newTraceId(), spanId: '00f067aa0ba902b7', attributes: {} });
    // 1 span + 9 events + 1 link = 11 items: it can never fit, so 413 (a 503 would be retried forever).
    await expect(small.enqueue([span], [])).rejects.toMatchObject({
      statusCode: 413,
      message: expect.stringMatching(/holds 11 items .*more than the 10/),
    });
    expect(await store.getTrace(span.traceId)).toBeNull();
    span.links.pop();
    await small.enqueue([span], []);
    expect((await store.getTrace(span.traceId))?.spans[0]?.events).toHaveLength(9);
  });
});
