import { fireEvent, render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import type { WireTrace } from '../src/api/trace-api.js';
import { TraceView } from '../src/trace/trace-view.js';
import { AUTH_CALL, POOL_CONNECT, poolExhaustedTrace } from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';

/** The pool-exhausted trace with a handled failure before it, as the engine lists it. */
const withHandled: WireTrace = {
  ...poolExhaustedTrace,
  diagnosis: {
    ...poolExhaustedTrace.diagnosis!,
    otherFailures: [
      {
        spanId: AUTH_CALL,
        service: 'gateway',
        name: 'auth.verify',
        reason: 'connect ECONNREFUSED 127.0.0.1:6379 (handled: GET succeeded after it)',
        handled: true,
        cause: 'upstream_unreachable',
      },
    ],
  },
};

describe('the verdict lists what also happened', () => {
  it('shows each other failure with its reason, marks a handled one with its cause, and selects its span', () => {
    const { container } = render(<TraceView {...loadedTrace(withHandled)} spanId={undefined} />);
    const list = screen.getByTestId('also-happened');
    expect(within(screen.getByTestId('verdict')).getByTestId('also-happened')).toBe(list);
    const items = within(list).getAllByTestId('also-happened-item');
    expect(items.map((i) => i.dataset.spanId)).toEqual([AUTH_CALL]);
    expect(items[0]!.textContent).toContain('gateway › auth.verify');
    expect(items[0]!.textContent).toContain('handled: GET succeeded after it');
    expect(within(items[0]!).getByTestId('also-happened-handled').textContent).toBe(
      'handled: upstream unreachable',
    );
    const selected = () => container.querySelector<HTMLElement>('.waterfall-row.selected')?.dataset.spanId;
    expect(selected()).toBe(POOL_CONNECT);
    fireEvent.click(within(items[0]!).getByRole('button'));
    expect(selected()).toBe(AUTH_CALL);
  });

  it('shows nothing when nothing else failed', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={undefined} />);
    expect(screen.queryByTestId('also-happened')).toBeNull();
  });
});
