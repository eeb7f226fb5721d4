import { describe, expect, it } from 'vitest';
import { pickRequest } from './traffic-mix.js';

/** A deterministic stand-in for Math.random: a fixed cycle of draws. */
function cycle(...draws: number[]): () => number {
  let i = 0;
  return () => draws[i++ % draws.length]!;
}

describe('pickRequest', () => {
  it('mixes order lookups, unknown orders, checkouts and recommendations', () => {
    expect(pickRequest(cycle(0.1, 0))).toEqual({ method: 'GET', path: '/api/orders/1' });
    expect(pickRequest(cycle(0.52))).toEqual({ method: 'GET', path: '/api/orders/999' });
    expect(pickRequest(cycle(0.6, 0))).toMatchObject({ method: 'POST', path: '/api/checkout' });
    expect(pickRequest(cycle(0.9))).toEqual({ method: 'GET', path: '/api/recommendations' });
  });

  it('asks only for seeded orders, apart from the deliberate unknown one', () => {
    const random = cycle(0.01, 0.99, 0.3, 0.5, 0.49, 0.21);
    for (let i = 0; i < 20; i++) {
      const { path } = pickRequest(random);
      if (path.startsWith('/api/orders/'))
        expect(['1', '2', '3', '4', '5', '999']).toContain(path.split('/').pop());
    }
  });
});
