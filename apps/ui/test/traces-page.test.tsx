import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { TracesPage } from '../src/pages/traces-page.js';
import { jsonResponse, stubFetch } from './helpers/stub-fetch.js';

const TRACE = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  rootService: 'gateway',
  rootName: 'GET /api/orders/:id',
  startTimeUnixNano: '1795550000000000000',
  endTimeUnixNano: '1795550000040000000',
  durationMs: 40,
  spanCount: 7,
  errorCount: 0,
  httpMethod: 'GET',
  httpRoute: '/api/orders/:id',
  httpStatusCode: 200,
  services: ['gateway'],
  cause: null,
  originService: null,
  group: null,
};

describe('the trace search when the collector cut it short', () => {
  it('says the search stopped early instead of "no match", and searches further from where it stopped', async () => {
    const cursors: (string | null)[] = [];
    stubFetch({
      '/api/services': () => jsonResponse({ services: [] }),
      '/api/traces': (request) => {
        const cursor = new URL(request.url, 'http://x').searchParams.get('cursor');
        cursors.push(cursor);
        return cursor === 'stopped-here'
          ? jsonResponse({ traces: [TRACE], nextCursor: null, cutShort: false })
          : jsonResponse({ traces: [], nextCursor: 'stopped-here', cutShort: true });
      },
    });
    render(<TracesPage params={new URLSearchParams('attr=foo%3Dbar')} />);
    const note = await screen.findByText(/the search stopped early/i);
    expect(screen.queryByText(/No trace matches/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Search further' }));
    await screen.findByText('GET /api/orders/:id');
    expect(cursors).toContain('stopped-here');
    expect(note.isConnected).toBe(false);
  });
});
