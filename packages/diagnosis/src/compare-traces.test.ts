import { describe, expect, it } from 'vitest';
import { checkoutTrace } from '../test/fixtures/scenarios.js';
import { compareTraces } from './compare-traces.js';

describe('compareTraces', () => {
  it('finds nothing to report between two successful requests of the same route', () => {
    const diff = compareTraces(checkoutTrace('none').spans, checkoutTrace('none').spans);
    expect(diff).toEqual({ missingSpans: [], extraSpans: [], slowerSpans: [], attributeChanges: [] });
  });

  it('shows the query that never ran and the pool checkout that failed when the pool is exhausted', () => {
    const diff = compareTraces(checkoutTrace('pool_exhausted').spans, checkoutTrace('none').spans);
    expect(diff.missingSpans.map((s) => s.name)).toContain(
      checkoutTrace('none').spans.find((s) => s.name.startsWith('pg.query'))!.name,
    );
    expect(diff.slowerSpans.map((s) => s.name)).toContain('pg-pool.connect');
    expect(diff.attributeChanges).toContainEqual(
      expect.objectContaining({ key: 'http.response.status_code', failing: '500', baseline: '200' }),
    );
  });

  it('leaves per-request noise (ids, URLs, ports) out of the attribute changes', () => {
    const diff = compareTraces(checkoutTrace('orders_exception').spans, checkoutTrace('none').spans);
    for (const change of diff.attributeChanges) expect(change.key).not.toMatch(/url|path|port|address/);
  });
});
