/*
 * Every fault switch end to end with orders on its default database, the embedded SQLite file.
 */
import { describe, expect, it } from 'vitest';
import { forwardFaultSetting } from '../src/fault-forwarding.js';
import { defineFaultSuite } from './support/fault-suite.js';

describe('fault switches, orders on SQLite', () => {
  const stack = defineFaultSuite('sqlite', undefined);

  it('slow-query is refused with a message that it needs PostgreSQL', async () => {
    const answer = await forwardFaultSetting(stack().serviceUrls, { name: 'slow-query', rate: 1 });
    expect(answer.statusCode).toBe(409);
    expect((answer.body as { error: string }).error).toContain('slow-query needs PostgreSQL');
  });
});
