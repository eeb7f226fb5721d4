import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { TraceView } from '../src/trace/trace-view.js';
import {
  AUTH_CALL,
  GATEWAY_CLIENT,
  GATEWAY_SERVER,
  ORDERS_SERVER,
  POOL_CONNECT,
  poolExhaustedTrace,
} from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';

const CALLEE_TRACE = '9c1e0f00000000000000000000000abc';

/**
 * The gateway's half of the pool-exhausted trace, as a proxy that dropped `traceparent` left it: the
 * call has no server child here, and the stitched verdict names orders' span in the callee's trace.
 */
const callerHalf = {
  ...poolExhaustedTrace,
  spans: poolExhaustedTrace.spans.filter((s) =>
    [GATEWAY_SERVER, AUTH_CALL, GATEWAY_CLIENT].includes(s.spanId),
  ),
  diagnosis: {
    ...poolExhaustedTrace.diagnosis!,
    path: [GATEWAY_SERVER, GATEWAY_CLIENT, ORDERS_SERVER, POOL_CONNECT],
    propagatedBy: [],
    continuedIn: {
      fromSpanId: GATEWAY_CLIENT,
      traceId: CALLEE_TRACE,
      spanId: ORDERS_SERVER,
      matchedOn: 'GET /orders/1 to 127.0.0.1:7070',
    },
  },
};

describe('a verdict stitched across traces', () => {
  it("links the call's row, and only it, to the trace the failure continues in", () => {
    const { container } = render(<TraceView {...loadedTrace(callerHalf)} spanId={undefined} />);
    const links = screen.getAllByTestId('continued-in-trace');
    expect(links).toHaveLength(1);
    expect(links[0]!.getAttribute('href')).toBe(`/traces/${CALLEE_TRACE}`);
    expect(links[0]!.textContent).toContain('continued in trace 9c1e0f00');
    const row = container.querySelector<HTMLElement>(`[data-span-id="${GATEWAY_CLIENT}"]`)!;
    expect(within(row).getByTestId('continued-in-trace')).toBe(links[0]);
    expect(screen.getByTestId('verdict-continued-in').getAttribute('href')).toBe(`/traces/${CALLEE_TRACE}`);
  });

  it('shows no such link on a verdict that was not stitched', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    expect(screen.queryByTestId('continued-in-trace')).toBeNull();
    expect(screen.queryByTestId('verdict-continued-in')).toBeNull();
  });
});
