import { render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { TraceSummary } from '../src/api/search-api.js';
import { TraceList } from '../src/traces/trace-list.js';

const base: TraceSummary = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  rootService: 'gateway',
  rootName: 'GET /api/orders/:id',
  startTimeUnixNano: 1_795_550_000_000_000_000n,
  endTimeUnixNano: 1_795_550_000_040_000_000n,
  durationMs: 40,
  spanCount: 7,
  errorCount: 3,
  httpMethod: 'GET',
  httpRoute: '/api/orders/:id',
  httpStatusCode: 500,
  services: ['gateway', 'orders'],
  cause: 'db_pool_exhausted',
  originService: 'orders',
  group: 'b1946ac92492d234',
};

describe('TraceList', () => {
  it('names the origin service and the cause in words for a diagnosed failing trace, and nothing for others', () => {
    const ok = {
      ...base,
      traceId: '0af7651916cd43dd8448eb211c80319c',
      httpStatusCode: 200,
      errorCount: 0,
      cause: null,
      originService: null,
      group: null,
    };
    render(<TraceList traces={[base, ok]} />);
    const origins = screen.getAllByTestId('trace-origin');
    expect(origins[0]!.textContent).toBe('orders connection pool exhausted');
    expect(origins[1]!.textContent).toBe('');
  });

  it('lists a trace sent without a root service or name (the wire type allows null) by its entry request', () => {
    const rootless = { ...base, rootService: null, rootName: null };
    render(<TraceList traces={[rootless]} />);
    const rows = screen.getAllByTestId('trace-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('GET /api/orders/:id');
  });
});
