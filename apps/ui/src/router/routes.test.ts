import { describe, expect, it } from 'vitest';
import { mapPath, parseRoute, tracePath } from './routes.js';

describe('parseRoute', () => {
  it('opens on failures, and maps trace search and one trace', () => {
    expect(parseRoute('/', '')).toEqual({ page: 'failures' });
    const traces = parseRoute('/traces', '?service=orders');
    expect(traces.page === 'traces' && traces.params.get('service')).toBe('orders');
    expect(parseRoute('/traces/4BF92F3577B34DA6A3CE929D0E0E4736', '?span=00f067aa0ba902b7')).toEqual({
      page: 'trace',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(parseRoute('/traces/not-an-id', '')).toEqual({ page: 'not-found', path: '/traces/not-an-id' });
  });

  it('maps the service map, with or without a trace to highlight', () => {
    expect(parseRoute('/map', '')).toEqual({ page: 'map', traceId: undefined });
    expect(parseRoute('/map', `?trace=${'AB'.repeat(16)}`)).toEqual({
      page: 'map',
      traceId: 'ab'.repeat(16),
    });
    expect(parseRoute('/map/', '?trace=nope')).toEqual({ page: 'map', traceId: undefined });
    expect(mapPath('ab'.repeat(16))).toBe(`/map?trace=${'ab'.repeat(16)}`);
    expect(mapPath()).toBe('/map');
  });

  it('builds the path of a trace with its selected span', () => {
    expect(tracePath('ab'.repeat(16), 'cd'.repeat(8))).toBe(
      `/traces/${'ab'.repeat(16)}?span=${'cd'.repeat(8)}`,
    );
  });
});
