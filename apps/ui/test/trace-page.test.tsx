import type { WireSpan } from '@faultline/model';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { WireTrace } from '../src/api/trace-api.js';
import { App } from '../src/app.js';
import { TracePage } from '../src/pages/trace-page.js';
import { prefetchTrace, WHOLE_TRACE_MAX_SPANS } from '../src/trace/trace-loading.js';
import {
  GATEWAY_SERVER,
  ORDERS_HANDLER,
  POOL_CONNECT,
  poolExhaustedTrace,
  TRACE_ID,
  XSS,
  xssTrace,
} from './fixtures/pool-exhausted-trace.js';
import { captureDownloads } from './helpers/capture-downloads.js';
import { wireOutline } from './helpers/loaded-trace.js';
import { jsonResponse, type SeenRequest, stubFetch } from './helpers/stub-fetch.js';

const BASE = `/api/traces/${TRACE_ID}`;

/** The trace with enough quick calls under its entry to be past the whole-trace threshold. */
function bigTrace(base: WireTrace = poolExhaustedTrace): WireTrace {
  const entry = base.spans.find((s) => s.spanId === GATEWAY_SERVER)!;
  const calls: WireSpan[] = [];
  for (let i = 0; i < WHOLE_TRACE_MAX_SPANS; i++) {
    calls.push({
      ...entry,
      spanId: `c${i.toString(16).padStart(15, '0')}`,
      parentSpanId: GATEWAY_SERVER,
      name: `cache.get ${i}`,
      kind: 'CLIENT',
      status: { code: 'UNSET' },
      attributes: { 'cache.key': `order:${i}` },
    });
  }
  return { ...base, spans: [...base.spans, ...calls] };
}

/** The collector's trace routes for `trace`: outline, each span, logs, and the whole trace. */
function collector(trace: WireTrace): SeenRequest[] {
  const spanRoutes = Object.fromEntries(
    trace.spans.map((span) => [
      `${BASE}/spans/${span.spanId}`,
      () =>
        jsonResponse({ traceId: TRACE_ID, span, logs: trace.logs.filter((l) => l.spanId === span.spanId) }),
    ]),
  );
  return stubFetch({
    [`${BASE}/outline`]: () => jsonResponse(wireOutline(trace)),
    [`${BASE}/logs`]: () => jsonResponse({ traceId: TRACE_ID, logs: trace.logs }),
    [BASE]: () => jsonResponse(trace),
    ...spanRoutes,
  });
}

const paths = (seen: SeenRequest[]) => seen.map((r) => r.url.split('?')[0]);

describe('the trace page of a trace past the whole-trace threshold', () => {
  it('draws from the outline, which brings the origin span’s details, and asks for nothing else', async () => {
    const seen = collector(bigTrace());
    render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    expect((await screen.findByTestId('origin-span')).dataset.spanId).toBe(POOL_CONNECT);
    expect(screen.getByTestId('waterfall').textContent).toContain(`${WHOLE_TRACE_MAX_SPANS + 6} spans`);
    const exception = await screen.findByTestId('exception');
    expect(exception.textContent).toContain('timeout exceeded when trying to connect');
    expect(exception.querySelector('[data-frame="app"]')!.textContent).toContain('orders-repo.js:14:18');
    expect(paths(seen)).toEqual([`${BASE}/outline`]);
  });

  it('fetches a span’s details when it is selected, showing its outline meanwhile', async () => {
    const seen = collector(bigTrace());
    render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    await screen.findByTestId('origin-span');
    const handler = screen.getAllByTestId('span-row').find((r) => r.dataset.spanId === ORDERS_HANDLER)!;
    fireEvent.click(handler);
    const details = screen.getByTestId('span-details');
    expect(details.textContent).toContain('request handler');
    expect(within(details).getByTestId('span-details-loading')).toBeTruthy();
    await waitFor(() => expect(details.textContent).toContain('express.type'));
    expect(details.querySelector('.log-table')!.textContent).toContain('failed to load order 42');
    expect(paths(seen)).toContain(`${BASE}/spans/${ORDERS_HANDLER}`);
    expect(paths(seen)).not.toContain(BASE);
  });

  it('renders markup in a span name, an attribute and a log line as text', async () => {
    collector(bigTrace(xssTrace()));
    const { container } = render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    expect((await screen.findByTestId('origin-span')).textContent).toContain(XSS);
    const details = screen.getByTestId('span-details');
    await waitFor(() => expect(details.querySelector('[data-testid="exception"]')).not.toBeNull());
    const attributes = [...details.querySelectorAll('.attributes td')].map((td) => td.textContent);
    expect(attributes).toContain(XSS);
    fireEvent.click(screen.getByRole('tab', { name: /Logs/ }));
    await waitFor(() => expect(container.querySelector('.logs-panel')!.textContent).toContain(XSS));
    expect(container.querySelector('img')).toBeNull();
  });

  it('loads every log of the trace when the Logs tab is opened', async () => {
    const seen = collector(bigTrace());
    render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    await screen.findByTestId('origin-span');
    expect(paths(seen)).not.toContain(`${BASE}/logs`);
    fireEvent.click(screen.getByRole('tab', { name: 'Logs (2)' }));
    expect(await screen.findAllByTestId('log-line')).toHaveLength(2);
    expect(paths(seen)).toContain(`${BASE}/logs`);
  });

  it('says so when a span’s details cannot be had, and still shows what the outline knows', async () => {
    const trace = bigTrace();
    const routes = stubFetch({
      [`${BASE}/outline`]: () => jsonResponse(wireOutline(trace)),
      [`${BASE}/spans/${GATEWAY_SERVER}`]: () =>
        jsonResponse(
          { code: 'FL_ERR_STORE_UNAVAILABLE', message: 'database is locked', statusCode: 503 },
          503,
        ),
    });
    render(<TracePage traceId={TRACE_ID} spanId={GATEWAY_SERVER} />);
    const details = await screen.findByTestId('span-details');
    await waitFor(() => expect(details.textContent).toContain('database is locked'));
    expect(details.textContent).toContain('GET /api/orders/:id');
    expect(details.textContent).toContain('ERROR');
    expect(routes).toHaveLength(2);
  });

  it('downloads the whole trace as JSON, fetched when the button is pressed', async () => {
    const trace = bigTrace();
    const seen = collector(trace);
    const saved = captureDownloads();
    render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    await screen.findByTestId('origin-span');
    expect(paths(seen)).not.toContain(BASE);
    fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe(`trace-${TRACE_ID}.json`);
    expect(JSON.parse(await saved[0]!.blob.text())).toEqual(trace);
  });
});

describe('“Download JSON” of a trace too large to send whole', () => {
  it('saves what the collector sent and says it is only the first part', async () => {
    const trace = bigTrace();
    const part = { ...trace, spans: trace.spans.slice(0, 3), truncated: true, nextCursor: 'x', omitted: [] };
    stubFetch({
      [`${BASE}/outline`]: () => jsonResponse(wireOutline(trace)),
      [BASE]: () => jsonResponse(part),
    });
    const saved = captureDownloads();
    render(<TracePage traceId={TRACE_ID} spanId={undefined} />);
    await screen.findByTestId('origin-span');
    fireEvent.click(screen.getByRole('button', { name: 'Download JSON' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(JSON.parse(await saved[0]!.blob.text())).toEqual(part);
    expect((await screen.findByText(/first part only/)).textContent).toContain('3 spans');
  });
});

describe('the trace page of a small trace', () => {
  it('loads the whole trace right after its outline and asks for no span on its own', async () => {
    const seen = collector(poolExhaustedTrace);
    render(<TracePage traceId={TRACE_ID} spanId={ORDERS_HANDLER} />);
    await screen.findByTestId('origin-span');
    await waitFor(() => expect(screen.getByTestId('span-details').textContent).toContain('express.type'));
    expect(paths(seen)).toEqual([`${BASE}/outline`, BASE]);
  });
});

describe('a link to a span of the same trace', () => {
  it('selects that span even when the URL named it before another span was clicked', async () => {
    // The handler links back to the entry span of its own trace.
    const spans = poolExhaustedTrace.spans.map((s) =>
      s.spanId === ORDERS_HANDLER
        ? { ...s, links: [{ traceId: TRACE_ID, spanId: GATEWAY_SERVER, attributes: {} }] }
        : s,
    );
    collector({ ...poolExhaustedTrace, spans });
    history.replaceState(null, '', `/traces/${TRACE_ID}?span=${GATEWAY_SERVER}`);
    const { container } = render(<App />);
    const selected = () => container.querySelector<HTMLElement>('.waterfall-row.selected')?.dataset.spanId;
    await screen.findByTestId('origin-span');
    expect(selected()).toBe(GATEWAY_SERVER);
    fireEvent.click(screen.getAllByTestId('span-row').find((r) => r.dataset.spanId === ORDERS_HANDLER)!);
    expect(selected()).toBe(ORDERS_HANDLER);
    const link = await waitFor(() => {
      const found = screen.getByTestId('span-details').querySelector<HTMLAnchorElement>('.links a');
      expect(found).toBeTruthy();
      return found!;
    });
    fireEvent.click(link);
    await waitFor(() => expect(selected()).toBe(GATEWAY_SERVER));
    expect(location.search).toBe(`?span=${GATEWAY_SERVER}`);
  });
});

describe('the trace requested before the app renders', () => {
  it('is the one the page shows, with no second request', async () => {
    history.replaceState(null, '', `/traces/${TRACE_ID}`);
    const seen = collector(poolExhaustedTrace);
    prefetchTrace(location);
    render(<App />);
    await screen.findByTestId('origin-span');
    expect(paths(seen).filter((p) => p === `${BASE}/outline`)).toHaveLength(1);
  });

  it('asks for the token when it answered 401 before anyone listened', async () => {
    history.replaceState(null, '', `/traces/${TRACE_ID}`);
    stubFetch({
      [`${BASE}/outline`]: () =>
        jsonResponse({ code: 'FL_ERR_UNAUTHORIZED', message: 'token required', statusCode: 401 }, 401),
    });
    prefetchTrace(location);
    // The answer arrives before the app exists.
    await new Promise((resolve) => setTimeout(resolve, 20));
    render(<App />);
    expect(await screen.findByRole('dialog')).toBeTruthy();
    expect(screen.getByLabelText('API token')).toBeTruthy();
  });
});
