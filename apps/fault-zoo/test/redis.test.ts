import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { Zoo } from './harness/zoo.js';
import { originName, useZoo, verdictOf, zooMissing } from './harness/zoo.js';

// Redis through ioredis and node-redis. The store service makes one call per route; what the server
// does to it (a script that never yields, a CLIENT KILL) comes from this test's own connection, so the
// request's trace holds only the service's calls.
const missing = zooMissing({ redis: true });

/** Runs `request` while the server is busy in a script past busy-reply-threshold; kills the script after. */
async function whileBusy<T>(zoo: Zoo, request: () => Promise<T>): Promise<T> {
  const admin = new Redis(zoo.redis.url);
  const looper = new Redis(zoo.redis.url);
  try {
    await admin.config('SET', 'busy-reply-threshold', '50');
    const looping = looper.eval('while true do end', 0).catch(() => undefined);
    // The server answers BUSY once the script has run past the threshold.
    const deadline = Date.now() + 5000;
    while (
      !(await admin.ping().then(
        () => false,
        (e: Error) => /^BUSY/.test(e.message),
      ))
    ) {
      if (Date.now() > deadline) throw new Error('the script never made the server busy');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    try {
      return await request();
    } finally {
      while (
        (await admin.script('KILL').then(
          () => 'killed',
          (e: Error) => e.message,
        )) !== 'killed'
      ) {
        if (Date.now() > deadline + 5000) break;
      }
      await looping;
    }
  } finally {
    admin.disconnect();
    looper.disconnect();
  }
}

/** Runs `request` (a BLPOP in the service) and kills every other client's connection once it blocks. */
async function killedWhileBlocked<T>(zoo: Zoo, request: () => Promise<T>): Promise<T> {
  const admin = new Redis(zoo.redis.url);
  try {
    const pending = request();
    const deadline = Date.now() + 5000;
    while (!/blocked_clients:[1-9]/.test(await admin.info('clients'))) {
      if (Date.now() > deadline) throw new Error('the BLPOP never blocked');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    return await pending;
  } finally {
    admin.disconnect();
  }
}

describe.skipIf(missing)(`Redis clients${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const zoo = useZoo({ redis: true });

  describe('ioredis', () => {
    it('a refused connection (MaxRetriesPerRequestError) is upstream_unreachable', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/ioredis/refused', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
      expect(originName(verdict, trace)).toBe('get');
    });

    it('a connection dropped under a pending command ("Connection is closed.") is upstream_unreachable', async () => {
      const { verdict, trace } = await killedWhileBlocked(zoo, () =>
        verdictOf(zoo, zoo.store, '/ioredis/closed', 500),
      );
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
      expect(originName(verdict, trace)).toBe('blpop');
    });

    it('an -ERR reply (unknown command) is db_error', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/ioredis/reply-error', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(originName(verdict, trace)).toBe('NOSUCHCOMMAND');
    });

    it('a WRONGTYPE reply is db_error', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/ioredis/wrongtype', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(originName(verdict, trace)).toBe('lpush');
    });

    it('a BUSY reply (a script holds the server) is db_timeout', async () => {
      const { verdict, trace } = await whileBusy(zoo, () => verdictOf(zoo, zoo.store, '/ioredis/busy', 500));
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
      expect(originName(verdict, trace)).toBe('get');
    });

    it('a command past commandTimeout ("Command timed out") is db_timeout', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/ioredis/command-timeout', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
      expect(originName(verdict, trace)).toBe('blpop');
    });
  });

  describe('redis (node-redis)', () => {
    it('a refused connection (ECONNREFUSED on redis-connect) is upstream_unreachable', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/redis/refused', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
      expect(originName(verdict, trace)).toBe('redis-connect');
    });

    it('a connection dropped under a pending command ("Socket closed unexpectedly") is upstream_unreachable', async () => {
      const { verdict, trace } = await killedWhileBlocked(zoo, () =>
        verdictOf(zoo, zoo.store, '/redis/closed', 500),
      );
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
        'store',
        'upstream_unreachable',
      ]);
      expect(originName(verdict, trace)).toBe('redis-BLPOP');
    });

    it('an -ERR reply (unknown command) is db_error', async () => {
      const { verdict, trace } = await verdictOf(zoo, zoo.store, '/redis/reply-error', 500);
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
      expect(originName(verdict, trace)).toBe('redis-NOSUCHCOMMAND');
    });

    it('a BUSY reply is db_timeout', async () => {
      const { verdict, trace } = await whileBusy(zoo, () => verdictOf(zoo, zoo.store, '/redis/busy', 500));
      expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_timeout']);
      expect(originName(verdict, trace)).toBe('redis-GET');
    });
  });
});
