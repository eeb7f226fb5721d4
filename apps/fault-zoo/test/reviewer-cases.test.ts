import { describe, expect, it } from 'vitest';
import { originName, useZoo, verdictOf, zooMissing } from './harness/zoo.js';

// The cases a reviewer tries next: retries that all fail, an N+1 loop of thousands of queries that
// ends in a failure, a handled cache failure followed by a 503, and a process that dies mid-request.
const missing = zooMissing({ mariadb: true });

describe.skipIf(missing)(`gateway -> store${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const zoo = useZoo({ mariadb: true, gateway: true });

  it('three retries that all fail on a refused database: origin store, upstream_unreachable', async () => {
    const { verdict, trace } = await verdictOf(
      zoo,
      zoo.gateway,
      '/retry/always-fails',
      502,
      ['gateway', 'store'],
      4,
    );
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
      'store',
      'upstream_unreachable',
    ]);
    // All three attempts reached the store and failed there.
    const storeServers = trace.spans.filter((s) => s.kind === 'SERVER' && s.service === 'store');
    expect(storeServers).toHaveLength(3);
  });

  it('an N+1 loop of 3000 queries ending in a missing table: origin the failing SELECT, db_error', async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.store, '/n-plus-one?items=3000', 500);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'db_error']);
    expect(originName(verdict, trace)).toBe('SELECT');
    expect(verdict.evidence['queryText']).toContain('no_such_prices');
    expect(verdict.evidence['dbErrorCode']).toBe('ER_NO_SUCH_TABLE');
  });

  it('a handled Redis failure, a database fallback that answers, then a 503: explicit_5xx, Redis under "also happened"', async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.store, '/handled-redis', 503);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'explicit_5xx']);
    const redisGet = trace.spans.find((s) => s.name === 'get' && s.status.code === 'ERROR');
    expect(verdict.otherFailures?.map((f) => f.spanId)).toContain(redisGet?.spanId);
  });

  // Last: the store does not come back.
  it("the store dies mid-request (SIGKILL): the caller's verdict, origin gateway, upstream_unreachable", async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.gateway, '/via/crash', 502, ['gateway']);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual([
      'gateway',
      'upstream_unreachable',
    ]);
    const origin = trace.spans.find((s) => s.spanId === verdict.originSpanId);
    expect(origin?.kind).toBe('CLIENT');
    await zoo.store.exited;
  });
});
