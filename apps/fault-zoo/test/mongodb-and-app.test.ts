import { describe, expect, it } from 'vitest';
import { originName, useZoo, verdictOf } from './harness/zoo.js';

// No MongoDB server is packaged here, so the mongodb rows are what the real driver produces against a
// port that refuses connections, one that accepts and drops them, and a peer that answers the
// handshake and then drops the connection (test/harness/mongo-wire.ts). The Koa row is bad input a
// middleware rejects before any call is made. Neither needs MariaDB or Redis.
describe('the mongodb driver and app code', () => {
  const zoo = useZoo({});

  it('server selection against a refused port (MongoServerSelectionError, ECONNREFUSED) is upstream_unreachable', async () => {
    const { verdict } = await verdictOf(zoo, zoo.store, '/mongodb/refused', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
      'store',
      'upstream_unreachable',
    ]);
  });

  it('server selection against a peer that drops connections (MongoServerSelectionError over MongoNetworkError) is upstream_unreachable', async () => {
    const { verdict } = await verdictOf(zoo, zoo.store, '/mongodb/dropped', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
      'store',
      'upstream_unreachable',
    ]);
  });

  it('a find whose connection drops after the handshake (MongoNetworkError on the command span) is upstream_unreachable', async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.store, '/mongodb/network-error', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
      'store',
      'upstream_unreachable',
    ]);
    expect(originName(verdict, trace)).toBe('find carts');
  });

  it("a Koa middleware's TypeError: Invalid URL (ERR_INVALID_URL) before any call is exception, not upstream_unreachable", async () => {
    const { verdict } = await verdictOf(zoo, zoo.store, '/koa/invalid-url?next=not%20a%20url', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'exception']);
    expect(verdict.evidence['exceptionMessage']).toBe('Invalid URL');
  });
});
