import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { jsonBatch, protobufBatch, protobufLogsBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector();
});
afterAll(async () => {
  await running.stop();
});

const ACCEPTABLE = new Set([200, 400, 413]);

async function post(payload: Buffer | string, contentType: string, url = '/v1/traces') {
  const response = await running.collector.otlp.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType },
  });
  return response.statusCode;
}

describe('OTLP/HTTP under fuzzing', () => {
  const seed = protobufBatch();
  const seedJson = JSON.stringify(jsonBatch());

  it.each([
    ['/v1/traces', seed],
    ['/v1/logs', protobufLogsBatch()],
  ])(
    'answers every mutated protobuf batch to %s with 200, 400 or 413, never 500 or 503',
    async (url, batch) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ at: fc.nat(batch.length - 1), byte: fc.nat(255) }), {
            minLength: 1,
            maxLength: 8,
          }),
          fc.nat(batch.length),
          async (flips, cut) => {
            const mutated = Buffer.from(batch.subarray(0, Math.max(1, cut)));
            for (const { at, byte } of flips) if (at < mutated.length) mutated[at] = byte;
            expect(ACCEPTABLE).toContain(await post(mutated, 'application/x-protobuf', url));
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('answers every mutated JSON batch with 200, 400 or 413, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.nat(seedJson.length - 1),
            char: fc.constantFrom('"', '{', '}', '[', ']', ',', ':', '0', 'x', '-', 'e', 'null', ' '),
          }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        async (edits) => {
          let text = seedJson;
          for (const { at, char } of edits) text = text.slice(0, at) + char + text.slice(at + 1);
          expect(ACCEPTABLE).toContain(await post(text, 'application/json'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers arbitrary JSON values with 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 6 }), async (text) => {
        expect([200, 400]).toContain(await post(text, 'application/json'));
      }),
      { numRuns: 200 },
    );
  });

  it('is still healthy and consistent afterwards', async () => {
    expect(await post(protobufBatch(), 'application/x-protobuf')).toBe(200);
    expect((running.collector.store as SqliteStore).db.pragma('integrity_check', { simple: true })).toBe(
      'ok',
    );
  });
});
