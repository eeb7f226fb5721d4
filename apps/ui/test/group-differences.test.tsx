import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { FailureGroup } from '../src/api/failures-api.js';
import { FailureGroupCard } from '../src/failures/failure-group-card.js';
import { jsonResponse, stubFetch } from './helpers/stub-fetch.js';

const NOW = 1_795_550_600_000;
const group: FailureGroup = {
  fingerprint: 'b1946ac92492d234',
  originService: 'orders',
  originOperation: 'GET /orders/:id',
  cause: 'exception',
  causeLabel: 'unhandled exception',
  exceptionType: 'TypeError',
  message: "Cannot read properties of undefined (reading 'tier')",
  summary: '500 originated in orders › GET /orders/:id',
  count: 14,
  firstSeenUnixNano: BigInt(NOW - 12 * 60_000) * 1_000_000n,
  lastSeenUnixNano: BigInt(NOW - 3 * 60_000) * 1_000_000n,
  perMinute: [],
  entryEndpoints: ['GET /api/orders/:id'],
  versions: ['1.4.3'],
  firstVersion: '1.4.3',
  latestTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  sampleTraceIds: [],
};
const COMPARE = `/api/failures/${group.fingerprint}/compare`;

/** Answers the group's compare call as the collector would, for `orders › GET /orders/:id`. */
function stubComparison(failingCount: number, succeedingCount: number, overRepresented: object[]) {
  return stubFetch({
    [COMPARE]: () =>
      jsonResponse({
        fingerprint: group.fingerprint,
        service: 'orders',
        operation: 'GET /orders/:id',
        failingCount,
        succeedingCount,
        overRepresented,
      }),
  });
}

function openDifferences() {
  render(
    <ul>
      <FailureGroupCard group={group} nowMs={NOW} />
    </ul>,
  );
  const toggle = screen.getByRole('button', { name: 'What differs' });
  expect(toggle.getAttribute('aria-expanded')).toBe('false');
  fireEvent.click(toggle);
  return toggle;
}

describe('what differs in a failure group', () => {
  it('lists the values over-represented among failures, with their share in failing and successful requests', async () => {
    const seen = stubComparison(14, 200, [
      { key: 'service.version', value: '1.4.3', failingShare: 1, baselineShare: 0.5 },
      { key: 'host.name', value: 'web-3', failingShare: 0.71, baselineShare: 0.002 },
    ]);
    const toggle = openDifferences();
    const rows = await screen.findAllByTestId('over-represented');
    expect(seen.map((r) => r.url)).toEqual([COMPARE]);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(rows.map((r) => r.textContent)).toEqual([
      'service.version = 1.4.3100%50%',
      'host.name = web-371%<1%',
    ]);
    expect(screen.getByTestId('group-differences').textContent).toContain(
      '14 failing requests against 200 successful requests of orders › GET /orders/:id',
    );
    const failingBar = rows[0]!.querySelector<HTMLElement>('.share-fill.failing')!;
    expect(failingBar.style.width).toBe('100%');
  });

  it('says when nothing stands out, and hides again', async () => {
    stubComparison(3, 40, []);
    const toggle = openDifferences();
    expect((await screen.findByTestId('no-differences')).textContent).toContain('Nothing stands out');
    fireEvent.click(toggle);
    expect(screen.queryByTestId('group-differences')).toBeNull();
  });

  it('warns that nothing could be compared when no request of the operation succeeded', async () => {
    stubComparison(3, 0, [{ key: 'service.version', value: '1.4.3', failingShare: 1, baselineShare: 0 }]);
    openDifferences();
    await screen.findAllByTestId('over-represented');
    expect(screen.getByTestId('group-differences').textContent).toContain(
      'No request of this operation has succeeded',
    );
  });

  it('says when there are too few successful requests for a difference to mean much', async () => {
    stubComparison(12, 1, [{ key: 'server.port', value: '36361', failingShare: 1, baselineShare: 0 }]);
    openDifferences();
    await screen.findAllByTestId('over-represented');
    expect(screen.getByTestId('few-successes').textContent).toContain(
      'Only 1 successful request to compare with',
    );
  });

  it('gives no such warning with enough successful requests', async () => {
    stubComparison(12, 40, [{ key: 'service.version', value: '1.4.3', failingShare: 1, baselineShare: 0.2 }]);
    openDifferences();
    await screen.findAllByTestId('over-represented');
    expect(screen.queryByTestId('few-successes')).toBeNull();
  });

  it('shows why when the group is gone', async () => {
    stubFetch({});
    openDifferences();
    expect(await screen.findByText(/Could not compare this group/)).toBeTruthy();
  });
});
