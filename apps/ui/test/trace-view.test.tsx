import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { TraceView } from '../src/trace/trace-view.js';
import {
  AUTH_CALL,
  GATEWAY_CLIENT,
  GATEWAY_SERVER,
  ORDERS_HANDLER,
  ORDERS_SERVER,
  POOL_CONNECT,
  poolExhaustedTrace,
} from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';

function rows(container: Element): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>('.waterfall-row')].sort((a, b) => rowTop(a) - rowTop(b));
}
// Rows are absolutely placed (virtualised); their order on screen is their translateY.
function rowTop(row: HTMLElement): number {
  return Number(/translateY\((\d+)px\)/.exec(row.style.transform)?.[1] ?? -1);
}
const ids = (container: Element) => rows(container).map((r) => r.dataset.spanId);

describe('the waterfall', () => {
  it('lists spans as a tree in start order, whatever order they arrived in', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    expect(ids(container)).toEqual([
      GATEWAY_SERVER,
      AUTH_CALL,
      GATEWAY_CLIENT,
      ORDERS_SERVER,
      ORDERS_HANDLER,
      POOL_CONNECT,
    ]);
  });

  it('collapses a subtree and expands it again', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={GATEWAY_SERVER} />);
    const client = rows(container).find((r) => r.dataset.spanId === GATEWAY_CLIENT)!;
    fireEvent.click(within(client).getByRole('button', { name: /collapse/i }));
    expect(ids(container)).toEqual([GATEWAY_SERVER, AUTH_CALL, GATEWAY_CLIENT]);
    expect(rows(container)[2]!.textContent).toContain('+3 hidden');
    fireEvent.click(within(rows(container)[2]!).getByRole('button', { name: /expand 1 children/i }));
    expect(ids(container)).toHaveLength(6);
  });

  it('marks the origin row with the test id, a label and the origin class', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    const origin = screen.getByTestId('origin-span');
    expect(origin.dataset.spanId).toBe(POOL_CONNECT);
    expect(origin.className).toContain('origin');
    expect(origin.textContent).toContain('origin');
    expect(screen.getAllByTestId('origin-span')).toHaveLength(1);
  });

  it('highlights the failing path from entry to origin and labels the spans that propagated it', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    const onPath = rows(container).filter((r) => r.classList.contains('on-path'));
    expect(onPath.map((r) => r.dataset.spanId)).toEqual(poolExhaustedTrace.diagnosis!.path);
    const propagated = rows(container).filter((r) => r.textContent?.includes('propagated'));
    expect(propagated.map((r) => r.dataset.spanId)).toEqual([
      GATEWAY_SERVER,
      GATEWAY_CLIENT,
      ORDERS_SERVER,
      ORDERS_HANDLER,
    ]);
  });

  it('opens on the origin span, and moves with j, k, e and o', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    const selected = () => container.querySelector<HTMLElement>('.waterfall-row.selected')?.dataset.spanId;
    expect(selected()).toBe(POOL_CONNECT);
    fireEvent.keyDown(window, { key: 'k' });
    expect(selected()).toBe(ORDERS_HANDLER);
    fireEvent.keyDown(window, { key: 'e' });
    expect(selected()).toBe(POOL_CONNECT);
    fireEvent.keyDown(window, { key: 'e' });
    expect(selected()).toBe(GATEWAY_SERVER);
    fireEvent.keyDown(window, { key: 'j' });
    expect(selected()).toBe(AUTH_CALL);
    fireEvent.keyDown(window, { key: 'o' });
    expect(selected()).toBe(POOL_CONNECT);
    expect(location.search).toBe(`?span=${POOL_CONNECT}`);
  });

  it('keeps only the rows in view in the DOM for a 10,000-span trace', () => {
    const root = poolExhaustedTrace.spans.find((s) => s.spanId === GATEWAY_SERVER)!;
    const spans = [root];
    for (let i = 0; i < 9999; i++) {
      spans.push({
        ...root,
        spanId: `c${i.toString(16).padStart(15, '0')}`,
        parentSpanId: GATEWAY_SERVER,
        name: `child ${i}`,
      });
    }
    const trace = loadedTrace({ ...poolExhaustedTrace, spans, diagnosis: null });
    const { container } = render(<TraceView {...trace} spanId={undefined} />);
    expect(container.querySelector('.axis-title')!.textContent).toContain('10000 spans');
    expect(rows(container).length).toBeLessThan(60);
  });
});

describe('the critical path', () => {
  const critical = (container: Element) =>
    rows(container)
      .filter((r) => r.dataset.critical === 'true')
      .map((r) => r.dataset.spanId);

  it('is off by default and, switched on, marks the chain the request waited on', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    expect(critical(container)).toEqual([]);
    const toggle = screen.getByRole('button', { name: /critical path/i });
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    // auth.verify (1-3 ms) ended before the call to orders began, so the request waited on it too.
    expect(critical(container)).toEqual([
      GATEWAY_SERVER,
      AUTH_CALL,
      GATEWAY_CLIENT,
      ORDERS_SERVER,
      ORDERS_HANDLER,
      POOL_CONNECT,
    ]);
    const pool = rows(container).find((r) => r.dataset.spanId === POOL_CONNECT)!;
    expect(pool.querySelector('.critical-mark')).not.toBeNull();
    expect(pool.querySelectorAll('.row-critical')).toHaveLength(1);
  });

  it('leaves out a span that ran beside the one the request waited on', () => {
    const spans = structuredClone(poolExhaustedTrace.spans);
    const auth = spans.find((s) => s.spanId === AUTH_CALL)!;
    // auth.verify now runs alongside the call to orders and ends before it: nobody waited for it.
    auth.startTimeUnixNano = (BigInt(auth.startTimeUnixNano) + 5_000_000n).toString();
    auth.endTimeUnixNano = (BigInt(auth.endTimeUnixNano) + 500_000_000n).toString();
    const { container } = render(
      <TraceView {...loadedTrace({ ...poolExhaustedTrace, spans })} spanId={undefined} />,
    );
    fireEvent.click(screen.getByRole('button', { name: /critical path/i }));
    expect(critical(container)).not.toContain(AUTH_CALL);
    expect(critical(container)).toContain(POOL_CONNECT);
  });

  it('turns on and off with c', () => {
    const { container } = render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    fireEvent.keyDown(window, { key: 'c' });
    expect(critical(container)).toHaveLength(6);
    fireEvent.keyDown(window, { key: 'c' });
    expect(critical(container)).toEqual([]);
  });
});

describe('the verdict banner', () => {
  it('names the status, origin service, origin operation and the cause in words', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    const verdict = screen.getByTestId('verdict');
    expect(verdict.textContent).toContain(
      '500 originated in orders › pg-pool.connect — connection pool exhausted',
    );
    expect(screen.getByTestId('origin-service').textContent).toBe('orders');
    expect(verdict.textContent).toContain(poolExhaustedTrace.diagnosis!.summary);
  });

  it('says the request did not fail when the diagnosis is null', () => {
    render(<TraceView {...loadedTrace({ ...poolExhaustedTrace, diagnosis: null })} spanId={undefined} />);
    expect(screen.getByTestId('verdict').textContent).toContain('This request did not fail');
    expect(screen.queryByTestId('origin-span')).toBeNull();
  });

  it('shows the evidence and next steps beside the verdict', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    const evidence = screen.getByTestId('evidence').textContent!;
    expect(evidence).toContain('loadOrder (/srv/orders/src/orders-repo.js:14:18)');
    expect(evidence).toContain('db.internal:5432');
    expect(screen.getByTestId('next-steps').textContent).toContain('client.release()');
  });
});
