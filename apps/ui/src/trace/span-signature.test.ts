import { describe, expect, it } from 'vitest';
import { parseSignature } from './span-signature.js';

describe('parseSignature', () => {
  it('splits the entry-to-span chain into services and span names, keeping colons inside names', () => {
    expect(parseSignature('gateway:GET /api/orders/:id › orders:pg-pool.connect')).toEqual([
      { service: 'gateway', name: 'GET /api/orders/:id' },
      { service: 'orders', name: 'pg-pool.connect' },
    ]);
    expect(parseSignature('no-service-here')).toEqual([{ service: '', name: 'no-service-here' }]);
  });
});
