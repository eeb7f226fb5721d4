import type { Diagnosis, ProcessPicture } from '@faultline/diagnosis';
import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { FailureGroup } from '../src/api/failures-api.js';
import { FailureGroupCard } from '../src/failures/failure-group-card.js';
import { TraceView } from '../src/trace/trace-view.js';
import { GATEWAY_SERVER, ORDERS_SERVER, poolExhaustedTrace, XSS } from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';

const MIB = 1024 * 1024;
const gateway: ProcessPicture = {
  service: 'gateway',
  spanId: GATEWAY_SERVER,
  windowMs: 5000,
  eventLoopDelayMaxMs: 22,
  eventLoopDelayP99Ms: 11,
  eventLoopUtilization: 0.1,
  cpuUtilization: 0.08,
  cpuCount: 2,
  heapUsedBytes: 40 * MIB,
  heapLimitBytes: 2000 * MIB,
  gcPauseMs: 20,
  saturated: [],
};
const orders: ProcessPicture = {
  service: 'orders',
  spanId: ORDERS_SERVER,
  windowMs: 5000,
  eventLoopDelayMaxMs: 1400,
  eventLoopDelayP99Ms: 1400,
  eventLoopUtilization: 0.4,
  cpuUtilization: 0.3,
  heapUsedBytes: 60 * MIB,
  heapLimitBytes: 64 * MIB,
  startLagMs: 1380,
  saturated: ['event_loop_blocked', 'heap_near_limit', 'late_start'],
};

function withProcesses(processes: ProcessPicture[]) {
  const diagnosis = { ...poolExhaustedTrace.diagnosis!, processes } as Diagnosis;
  return loadedTrace({ ...poolExhaustedTrace, diagnosis });
}

describe('the trace page shows each process on the failing path when it failed', () => {
  it('one compact row per service: loop delay, heap, CPU; saturated figures highlighted', () => {
    render(<TraceView {...withProcesses([gateway, orders])} spanId={undefined} />);
    const rows = within(screen.getByTestId('process-pictures')).getAllByTestId('process-row');
    expect(rows.map((r) => [r.dataset.service, r.dataset.saturated])).toEqual([
      ['gateway', 'false'],
      ['orders', 'true'],
    ]);
    const [g, o] = rows as [HTMLElement, HTMLElement];
    expect(within(g).getByTestId('process-loop').textContent).toBe('loop max 22 ms, p99 11 ms, 10% busy');
    expect(within(g).getByTestId('process-heap').textContent).toBe('heap 40 MiB of 2000 MiB (2%)');
    expect(within(g).getByTestId('process-cpu').textContent).toBe('CPU 8% of a core (2 cores)');
    expect(g.querySelectorAll('[data-saturated="true"]')).toHaveLength(0);
    expect(within(g).queryByTestId('process-start-lag')).toBeNull();

    expect(within(o).getByTestId('process-loop').dataset.saturated).toBe('true');
    expect(within(o).getByTestId('process-loop').textContent).toContain('max 1.4 s');
    expect(within(o).getByTestId('process-heap').dataset.saturated).toBe('true');
    expect(within(o).getByTestId('process-heap').textContent).toBe('heap 60 MiB of 64 MiB (94%)');
    expect(within(o).getByTestId('process-cpu').dataset.saturated).toBe('false');
    expect(within(o).getByTestId('process-start-lag').textContent).toBe('started 1.4 s late');
    expect(within(o).getByTestId('process-loop').className).toContain('saturated');
  });

  it('no row without figures (an older instrumentation)', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    expect(screen.queryByTestId('process-pictures')).toBeNull();
  });

  it('renders a hostile service name as text, never as markup', () => {
    const { container } = render(
      <TraceView {...withProcesses([{ ...orders, service: XSS }])} spanId={undefined} />,
    );
    const row = screen.getByTestId('process-row');
    expect(row.textContent).toContain(XSS);
    expect(container.querySelector('img')).toBeNull();
  });
});

const NOW = 1_795_550_600_000;
const group: FailureGroup = {
  fingerprint: 'b1946ac92492d234',
  originService: 'pricing',
  originOperation: 'GET /price/:id',
  cause: 'upstream_timeout',
  causeLabel: 'upstream timed out',
  exceptionType: null,
  message: null,
  summary: "504 originated in pricing › GET /price/:id: pricing's event loop was blocked for 1.4 s",
  count: 14,
  saturatedCount: 9,
  firstSeenUnixNano: BigInt(NOW - 12 * 60_000) * 1_000_000n,
  lastSeenUnixNano: BigInt(NOW - 3 * 60_000) * 1_000_000n,
  perMinute: [],
  entryEndpoints: ['GET /api/quote'],
  versions: [],
  firstVersion: null,
  latestTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  sampleTraceIds: [],
};

describe('a failure group says whether its failures came with saturation', () => {
  it('shows how many of its failures found a saturated process', () => {
    render(
      <ul>
        <FailureGroupCard group={group} nowMs={NOW} />
      </ul>,
    );
    expect(screen.getByTestId('group-saturation').textContent).toBe('9 of 14 with a saturated process');
  });

  it('says "all" when every failure did, and nothing when none did (or the collector is older)', () => {
    const { rerender } = render(
      <ul>
        <FailureGroupCard group={{ ...group, saturatedCount: 14 }} nowMs={NOW} />
      </ul>,
    );
    expect(screen.getByTestId('group-saturation').textContent).toBe('all with a saturated process');
    rerender(
      <ul>
        <FailureGroupCard group={{ ...group, saturatedCount: 0 }} nowMs={NOW} />
      </ul>,
    );
    expect(screen.queryByTestId('group-saturation')).toBeNull();
    const { saturatedCount: _, ...older } = group;
    rerender(
      <ul>
        <FailureGroupCard group={older} nowMs={NOW} />
      </ul>,
    );
    expect(screen.queryByTestId('group-saturation')).toBeNull();
  });
});
