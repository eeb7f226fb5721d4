import { describe, expect, it } from 'vitest';
import { originName, useZoo, verdictOf } from './harness/zoo.js';

// The store dies of an uncaught exception mid-request. @faultline/instrument records the fatal error
// on the open server span and delivers it before Node exits, so the verdict follows the call into the
// store; the SIGKILL case (nothing delivered: the caller's verdict) is in reviewer-cases.test.ts.
describe('gateway -> store that crashes', () => {
  const zoo = useZoo({ gateway: true });

  it('an uncaught exception kills the store mid-request: origin store, exception', async () => {
    const { verdict, trace } = await verdictOf(zoo, zoo.gateway, '/via/crash-uncaught', 502, [
      'gateway',
      'store',
    ]);
    expect([verdict.originService, verdict.cause], verdict.summary).toEqual(['store', 'exception']);
    expect(verdict.evidence['exceptionMessage']).toBe("Cannot read properties of undefined (reading 'sku')");
    expect(originName(verdict, trace)).toBe('middleware - route');
    await zoo.store.exited;
  });
});
