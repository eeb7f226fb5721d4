import { act, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { App } from '../src/app.js';
import { poolExhaustedTrace, TRACE_ID } from './fixtures/pool-exhausted-trace.js';
import { wireOutline } from './helpers/loaded-trace.js';
import { jsonResponse, type SeenRequest, stubFetch } from './helpers/stub-fetch.js';

/** A minimal OTLP/JSON export of one span, as `GET /api/traces/:id/export` writes them. */
const OTLP_FILE = JSON.stringify({
  faultline: { format: 1, traceId: TRACE_ID },
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'gateway' } }] },
      scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: '00f067aa0ba902b7', name: 'GET /' }] }],
    },
  ],
});

/** The collector: an empty home page, the import route as given, and the imported trace. */
function collector(importRoute: (request: SeenRequest) => Response): SeenRequest[] {
  return stubFetch({
    '/api/failures': () => jsonResponse({ groups: [] }),
    '/api/traces': () => jsonResponse({ traces: [], nextCursor: null }),
    '/api/import': importRoute,
    [`/api/traces/${TRACE_ID}/outline`]: () => jsonResponse(wireOutline(poolExhaustedTrace)),
    [`/api/traces/${TRACE_ID}`]: () => jsonResponse(poolExhaustedTrace),
  });
}

const imported = () => jsonResponse({ traceIds: [TRACE_ID], spans: 6, logs: 2, rejectedSpans: 0 });
const importRequests = (seen: SeenRequest[]) => seen.filter((r) => r.url === '/api/import');

function pick(file: File) {
  fireEvent.change(screen.getByTestId('import-input'), { target: { files: [file] } });
}

function dragEvent(type: string, files: File[]): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { types: ['Files'], files } });
  return event;
}

describe('importing a trace file', () => {
  it('is offered in the navigation, and opens the imported trace on its origin', async () => {
    const seen = collector(imported);
    render(<App />);
    expect(screen.getByRole('button', { name: 'Import OTLP JSON' })).toBeTruthy();
    pick(new File([OTLP_FILE], 'trace-4bf92f35.json', { type: 'application/json' }));
    await waitFor(() => expect(location.pathname).toBe(`/traces/${TRACE_ID}`));
    expect((await screen.findByTestId('origin-span')).textContent).toContain('pg-pool.connect');
    const [request] = importRequests(seen);
    expect(request!.method).toBe('POST');
    expect(request!.body).toBe(OTLP_FILE);
    expect(screen.queryByTestId('import-error')).toBeNull();
  });

  it('refuses a file that is not JSON, before sending anything', async () => {
    const seen = collector(imported);
    render(<App />);
    pick(new File(['\x89PNG'], 'screenshot.png', { type: 'image/png' }));
    const error = await screen.findByTestId('import-error');
    expect(error.textContent).toContain('screenshot.png is not a .json file');
    expect(importRequests(seen)).toEqual([]);
  });

  it('says where a file stops being JSON', async () => {
    const seen = collector(imported);
    render(<App />);
    pick(new File(['{"resourceSpans": ['], 'broken.json', { type: 'application/json' }));
    expect((await screen.findByTestId('import-error')).textContent).toMatch(
      /broken\.json is not valid JSON \(.+\)/,
    );
    expect(importRequests(seen)).toEqual([]);
  });

  it('shows the collector’s reason for a file with nothing to import, and can be dismissed', async () => {
    collector(() =>
      jsonResponse(
        {
          code: 'FL_ERR_BAD_OTLP',
          message:
            'the file holds no spans or log records (expected OTLP/JSON resourceSpans or resourceLogs)',
          statusCode: 400,
        },
        400,
      ),
    );
    render(<App />);
    pick(new File(['{"hello":"world"}'], 'hello.json', { type: 'application/json' }));
    const error = await screen.findByTestId('import-error');
    expect(error.textContent).toContain(
      'The collector could not import hello.json: the file holds no spans or log records',
    );
    expect(location.pathname).toBe('/');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByTestId('import-error')).toBeNull();
  });

  it('imports a file dropped anywhere on the page', async () => {
    const seen = collector(imported);
    render(<App />);
    act(() => {
      window.dispatchEvent(dragEvent('dragenter', []));
    });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop an OTLP JSON file');
    const drop = dragEvent('drop', [new File([OTLP_FILE], 'dropped.json', { type: 'application/json' })]);
    act(() => {
      window.dispatchEvent(drop);
    });
    expect(drop.defaultPrevented).toBe(true);
    await waitFor(() => expect(location.pathname).toBe(`/traces/${TRACE_ID}`));
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    expect(importRequests(seen)).toHaveLength(1);
  });

  it('turns a trace saved with “Download JSON” into OTLP/JSON before sending it', async () => {
    const seen = collector(imported);
    render(<App />);
    pick(
      new File([JSON.stringify(poolExhaustedTrace)], `trace-${TRACE_ID}.json`, { type: 'application/json' }),
    );
    await waitFor(() => expect(importRequests(seen)).toHaveLength(1));
    const body = JSON.parse(importRequests(seen)[0]!.body!) as {
      resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[];
      resourceLogs: unknown[];
    };
    const spanIds = body.resourceSpans.flatMap((r) =>
      r.scopeSpans.flatMap((s) => s.spans.map((x) => x.spanId)),
    );
    expect(spanIds.sort()).toEqual(poolExhaustedTrace.spans.map((s) => s.spanId).sort());
    expect(body.resourceLogs.length).toBeGreaterThan(0);
  });
});
