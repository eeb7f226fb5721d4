import { render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { FailureGroup } from '../src/api/failures-api.js';
import { FailureGroupCard } from '../src/failures/failure-group-card.js';

const NOW = 1_795_550_600_000;
const group: FailureGroup = {
  fingerprint: 'b1946ac92492d234',
  originService: 'orders',
  originOperation: 'pg-pool.connect',
  cause: 'db_pool_exhausted',
  causeLabel: 'connection pool exhausted',
  exceptionType: 'Error',
  message: 'timeout exceeded when trying to connect',
  summary: '500 originated in orders › pg-pool.connect',
  count: 14,
  firstSeenUnixNano: BigInt(NOW - 12 * 60_000) * 1_000_000n,
  lastSeenUnixNano: BigInt(NOW - 3 * 60_000) * 1_000_000n,
  perMinute: [
    { minuteUnixMs: Math.floor(NOW / 60_000) * 60_000 - 3 * 60_000, count: 9 },
    { minuteUnixMs: Math.floor(NOW / 60_000) * 60_000 - 12 * 60_000, count: 5 },
    { minuteUnixMs: Math.floor(NOW / 60_000) * 60_000 - 90 * 60_000, count: 7 },
  ],
  entryEndpoints: ['GET /api/orders/:id'],
  versions: ['1.4.2'],
  firstVersion: '1.4.2',
  latestTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  sampleTraceIds: ['4bf92f3577b34da6a3ce929d0e0e4736'],
};

describe('a failure group on the home page', () => {
  it('names origin, cause in words, count, version and times, and links to the latest trace and all traces', () => {
    const { container } = render(
      <ul>
        <FailureGroupCard group={group} nowMs={NOW} />
      </ul>,
    );
    const card = screen.getByTestId('failure-group');
    expect(card.textContent).toContain('orders›pg-pool.connect');
    expect(card.textContent).toContain('connection pool exhausted');
    expect(card.textContent).toContain('14 failures');
    expect(card.textContent).toContain('started with v1.4.2');
    expect(card.textContent).toContain('first 12 min ago');
    expect(card.textContent).toContain('last 3 min ago');
    expect(card.textContent).toContain('GET /api/orders/:id');
    const links = [...container.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([
      '/traces/4bf92f3577b34da6a3ce929d0e0e4736',
      '/traces/4bf92f3577b34da6a3ce929d0e0e4736',
      '/traces?group=b1946ac92492d234',
    ]);
  });

  it('lists the endpoints of the origin service a group keyed by its frame was reached through', () => {
    const byFrame: FailureGroup = {
      ...group,
      originEndpoints: ['GET /orders/:id', 'GET /carts/:id', 'POST /checkout'],
    };
    render(
      <ul>
        <FailureGroupCard group={byFrame} nowMs={NOW} />
      </ul>,
    );
    const endpoints = screen.getByTestId('group-endpoints');
    expect(endpoints.textContent).toContain('3 endpoints of orders');
    expect(screen.getAllByTestId('group-endpoint').map((e) => e.textContent)).toEqual([
      'GET /orders/:id',
      'GET /carts/:id',
      'POST /checkout',
    ]);
  });

  it('draws no endpoint list for a group reached through one endpoint', () => {
    render(
      <ul>
        <FailureGroupCard group={{ ...group, originEndpoints: ['GET /orders/:id'] }} nowMs={NOW} />
      </ul>,
    );
    expect(screen.queryByTestId('group-endpoints')).toBeNull();
  });

  it('draws one sparkline bar per minute with failures in the last hour', () => {
    const { container } = render(
      <ul>
        <FailureGroupCard group={group} nowMs={NOW} />
      </ul>,
    );
    expect(container.querySelectorAll('.sparkline rect')).toHaveLength(2);
    expect(container.querySelector('.sparkline')!.getAttribute('aria-label')).toBe(
      '14 failures in the last hour',
    );
  });
});
