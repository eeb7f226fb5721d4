import { render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { WireServiceMap } from '../src/api/wire-types.js';
import { MapPage } from '../src/pages/map-page.js';
import { poolExhaustedTrace, TRACE_ID, XSS } from './fixtures/pool-exhausted-trace.js';
import { jsonResponse, stubFetch } from './helpers/stub-fetch.js';

const serviceMap: WireServiceMap = {
  nodes: [
    { id: 'gateway', kind: 'service', originated: 0, passedThrough: 14 },
    { id: 'orders', kind: 'service', originated: 14, passedThrough: 0 },
    { id: 'postgresql', kind: 'database', originated: 0, passedThrough: 0 },
    { id: '127.0.0.1:9999', kind: 'uninstrumented', originated: 3, passedThrough: 0 },
  ],
  edges: [
    { source: 'gateway', target: 'orders', calls: 120, errors: 14 },
    { source: 'orders', target: 'postgresql', calls: 1204, errors: 14 },
    { source: 'gateway', target: '127.0.0.1:9999', calls: 40, errors: 0 },
  ],
};

const nodes = () => screen.getAllByTestId('map-node');
const node = (id: string) => nodes().find((n) => n.dataset.nodeId === id)!;
const edge = (source: string, target: string) =>
  screen.getAllByTestId('map-edge').find((e) => e.dataset.source === source && e.dataset.target === target)!;
/** An edge's label, its lines (calls above the line, errors below) joined with ' · '. */
const edgeLabel = (source: string, target: string) =>
  [
    ...screen
      .getAllByTestId('map-edge-label')
      .find((e) => e.dataset.source === source && e.dataset.target === target)!
      .querySelectorAll('tspan'),
  ]
    .map((line) => line.textContent)
    .join(' · ');

describe('the service map page', () => {
  it('draws services, databases and uninstrumented peers apart, named in words, with their failures', async () => {
    stubFetch({ '/api/service-map': () => jsonResponse(serviceMap) });
    render(<MapPage traceId={undefined} />);
    await screen.findByTestId('service-map');
    expect(
      nodes()
        .map((n) => `${n.dataset.nodeId}:${n.dataset.kind}`)
        .sort(),
    ).toEqual(['127.0.0.1:9999:uninstrumented', 'gateway:service', 'orders:service', 'postgresql:database']);
    expect(node('postgresql').textContent).toContain('database');
    expect(node('127.0.0.1:9999').textContent).toContain('uninstrumented (sends no spans)');
    expect(node('orders').textContent).toContain('14 failures originated here');
    expect(node('gateway').textContent).toContain('14 failures passed through');
    expect(node('postgresql').textContent).toContain('no failures');
    // Three different outlines: a box, a cylinder (with its lid), a dashed box.
    expect(node('postgresql').querySelector('ellipse')).not.toBeNull();
    expect(node('orders').querySelector('.map-node-stripe')).not.toBeNull();
    expect(node('127.0.0.1:9999').getAttribute('class')).toContain('kind-uninstrumented');
    expect(screen.getByLabelText('Legend').textContent).toContain('uninstrumented (sends no spans)');
  });

  it('labels each call with its count and its errors', async () => {
    stubFetch({ '/api/service-map': () => jsonResponse(serviceMap) });
    render(<MapPage traceId={undefined} />);
    await screen.findByTestId('service-map');
    expect(edgeLabel('gateway', 'orders')).toBe('120 calls · 14 errors');
    expect(edgeLabel('orders', 'postgresql')).toBe('1,204 calls · 14 errors');
    expect(edgeLabel('gateway', '127.0.0.1:9999')).toBe('40 calls');
    expect(screen.getAllByTestId('map-edge').every((e) => e.dataset.highlighted === undefined)).toBe(true);
    expect(screen.queryByTestId('map-trace-banner')).toBeNull();
  });

  it('lays calls out left to right by call depth', async () => {
    stubFetch({ '/api/service-map': () => jsonResponse(serviceMap) });
    render(<MapPage traceId={undefined} />);
    await screen.findByTestId('service-map');
    const x = (id: string) => Number(/translate\(([\d.]+)/.exec(node(id).getAttribute('transform')!)![1]);
    expect(x('gateway')).toBeLessThan(x('orders'));
    expect(x('orders')).toBeLessThan(x('postgresql'));
  });

  it('with ?trace=, highlights the failing path and marks the origin node, and says so in words', async () => {
    stubFetch({
      '/api/service-map': () => jsonResponse(serviceMap),
      [`/api/traces/${TRACE_ID}`]: () => jsonResponse(poolExhaustedTrace),
    });
    render(<MapPage traceId={TRACE_ID} />);
    await waitFor(() => expect(node('orders').dataset.origin).toBe('true'));
    const lit = nodes().filter((n) => n.dataset.highlighted === 'true');
    expect(lit.map((n) => n.dataset.nodeId).sort()).toEqual(['gateway', 'orders', 'postgresql']);
    expect(nodes().filter((n) => n.dataset.origin === 'true')).toHaveLength(1);
    expect(node('orders').textContent).toContain('ORIGIN');
    expect(edge('gateway', 'orders').dataset.highlighted).toBe('true');
    expect(edge('orders', 'postgresql').dataset.highlighted).toBe('true');
    expect(edge('gateway', '127.0.0.1:9999').dataset.highlighted).toBeUndefined();
    expect(node('127.0.0.1:9999').getAttribute('class')).toContain('dimmed');
    const banner = screen.getByTestId('map-trace-banner').textContent;
    expect(banner).toContain('gateway → orders → postgresql');
    expect(banner).toContain('It originated in orders (connection pool exhausted)');
    expect(screen.getByRole('link', { name: 'Back to the trace' }).getAttribute('href')).toBe(
      `/traces/${TRACE_ID}`,
    );
  });

  it('draws a trace’s path even where the last 24 hours hold none of it (an imported trace)', async () => {
    stubFetch({
      '/api/service-map': () => jsonResponse({ nodes: [], edges: [] }),
      [`/api/traces/${TRACE_ID}`]: () => jsonResponse(poolExhaustedTrace),
    });
    render(<MapPage traceId={TRACE_ID} />);
    await waitFor(() => expect(screen.getAllByTestId('map-node')).toHaveLength(3));
    expect(node('postgresql').dataset.kind).toBe('database');
    expect(node('orders').dataset.origin).toBe('true');
    expect(edgeLabel('gateway', 'orders')).toBe('this trace: 1 call · 1 error');
  });

  it('says so when the trace to highlight is not stored, and still shows the map', async () => {
    stubFetch({ '/api/service-map': () => jsonResponse(serviceMap) });
    render(<MapPage traceId={TRACE_ID} />);
    await screen.findByTestId('service-map');
    await waitFor(() =>
      expect(screen.getByTestId('map-trace-banner').textContent).toContain(`Trace ${TRACE_ID} is not stored`),
    );
    expect(nodes().some((n) => n.dataset.highlighted)).toBe(false);
  });

  it('explains an empty map', async () => {
    stubFetch({ '/api/service-map': () => jsonResponse({ nodes: [], edges: [] }) });
    render(<MapPage traceId={undefined} />);
    expect((await screen.findByTestId('empty-map')).textContent).toContain('No calls yet');
  });

  it('renders a node name carrying markup as text', async () => {
    stubFetch({
      '/api/service-map': () =>
        jsonResponse({ nodes: [{ id: XSS, kind: 'service', originated: 1, passedThrough: 0 }], edges: [] }),
    });
    const { container } = render(<MapPage traceId={undefined} />);
    await screen.findByTestId('service-map');
    expect(container.querySelector('img')).toBeNull();
    expect(node(XSS).textContent).toContain('<img src=x');
  });
});
