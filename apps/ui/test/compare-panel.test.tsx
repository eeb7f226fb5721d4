import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { TraceComparison } from '../src/api/compare-api.js';
import { TraceView } from '../src/trace/trace-view.js';
import { poolExhaustedTrace, TRACE_ID } from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';
import { jsonResponse, stubFetch } from './helpers/stub-fetch.js';

const BASELINE = '0af7651916cd43dd8448eb211c80319c';
const ROOT = 'gateway:GET /api/orders/:id';
const HANDLER = `${ROOT} › gateway:GET › orders:GET /orders/:id › orders:request handler - /orders/:id`;

const comparison: TraceComparison = {
  traceId: TRACE_ID,
  baselineTraceId: BASELINE,
  diff: {
    missingSpans: [
      {
        signature: `${HANDLER} › orders:SELECT shop.orders`,
        service: 'orders',
        name: 'SELECT shop.orders',
        count: 1,
      },
    ],
    extraSpans: [{ signature: `${HANDLER} › orders:retry`, service: 'orders', name: 'retry', count: 2 }],
    slowerSpans: [
      { signature: ROOT, service: 'gateway', name: 'GET /api/orders/:id', failingMs: 1030, baselineMs: 12 },
      {
        signature: HANDLER,
        service: 'orders',
        name: 'request handler - /orders/:id',
        failingMs: 1011,
        baselineMs: 6,
      },
    ],
    attributeChanges: [
      { signature: ROOT, key: 'http.response.status_code', failing: '500', baseline: '200' },
      {
        signature: `${HANDLER} › orders:pg-pool.connect`,
        key: 'db.name',
        failing: 'orders_v2',
        baseline: 'orders',
      },
    ],
  },
};

function openCompare() {
  render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
  fireEvent.click(screen.getByRole('tab', { name: 'Compare with a successful request' }));
}

describe('comparing a failing trace with a successful request', () => {
  it('is offered on a failing trace only', () => {
    render(<TraceView {...loadedTrace({ ...poolExhaustedTrace, diagnosis: null })} spanId={undefined} />);
    expect(screen.queryByRole('tab', { name: 'Compare with a successful request' })).toBeNull();
  });

  it('shows what differs and links to the successful trace', async () => {
    const seen = stubFetch({ [`/api/traces/${TRACE_ID}/compare`]: () => jsonResponse(comparison) });
    openCompare();
    const link = await screen.findByTestId('compare-baseline-link');
    expect(link.getAttribute('href')).toBe(`/traces/${BASELINE}`);
    expect(seen.map((r) => r.url)).toEqual([`/api/traces/${TRACE_ID}/compare`]);
    const panel = screen.getByTestId('compare-panel');
    expect(panel.textContent).toContain('nearest successful request to gateway › GET /api/orders/:id');

    // The handler waited; the entry above it was slow only because of it, so it folds away.
    const slower = screen.getAllByTestId('compare-slower');
    expect(slower[0]!.textContent).toContain('request handler - /orders/:id');
    expect(slower[0]!.textContent).toContain('1.01 s here');
    expect(slower[0]!.textContent).toContain('6 ms when it succeeded');
    expect(slower[0]!.textContent).toContain('×169');
    expect(screen.getByTestId('compare-slower-section').textContent).toContain(
      '1 span above it took longer only because of it',
    );

    expect(screen.getByTestId('compare-missing').textContent).toContain('SELECT shop.orders');
    expect(screen.getByTestId('compare-extra').textContent).toContain('retry ×2');
    const changes = screen.getAllByTestId('compare-attribute-change').map((row) => row.textContent);
    expect(changes[0]).toContain('http.response.status_code500200');
    expect(changes[1]).toContain('db.nameorders_v2orders');
  });

  it('says so in words when no request of that entry has succeeded', async () => {
    stubFetch({
      [`/api/traces/${TRACE_ID}/compare`]: () =>
        jsonResponse({ traceId: TRACE_ID, baselineTraceId: null, diff: null }),
    });
    openCompare();
    const none = await screen.findByTestId('compare-none');
    expect(none.textContent).toContain('No request to gateway › GET /api/orders/:id has succeeded yet');
    expect(screen.queryByTestId('compare-baseline-link')).toBeNull();
  });

  it('says when the two requests do not differ', async () => {
    stubFetch({
      [`/api/traces/${TRACE_ID}/compare`]: () =>
        jsonResponse({
          ...comparison,
          diff: { missingSpans: [], extraSpans: [], slowerSpans: [], attributeChanges: [] },
        }),
    });
    openCompare();
    await screen.findByTestId('compare-baseline-link');
    expect(screen.getByTestId('compare-panel').textContent).toContain('No difference in spans, durations');
  });

  it('shows the collector’s reason when the comparison fails', async () => {
    stubFetch({});
    openCompare();
    expect(await screen.findByText(/Could not compare: no route/)).toBeTruthy();
  });
});
