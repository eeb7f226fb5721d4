import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { TraceView } from '../src/trace/trace-view.js';
import {
  ORDERS_HANDLER,
  POOL_CONNECT,
  poolExhaustedTrace,
  XSS,
  xssTrace,
} from './fixtures/pool-exhausted-trace.js';
import { loadedTrace } from './helpers/loaded-trace.js';

describe('the span details panel', () => {
  it('shows the exception with in-app frames emphasised and dependency and Node frames dimmed', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={POOL_CONNECT} />);
    const exception = screen.getByTestId('exception');
    expect(exception.textContent).toContain('timeout exceeded when trying to connect');
    const frame = (kind: string) => [...exception.querySelectorAll<HTMLElement>(`[data-frame="${kind}"]`)];
    expect(frame('app').map((f) => f.textContent)).toEqual([
      'at async loadOrder (/srv/orders/src/orders-repo.js:14:18)',
      'at async /srv/orders/src/routes.js:22:19',
    ]);
    expect(frame('app').every((f) => f.classList.contains('frame-app'))).toBe(true);
    expect(frame('app')[0]!.classList.contains('frame-top-app')).toBe(true);
    expect(frame('library').map((f) => f.className)).toEqual(['frame frame-library ']);
    expect(frame('library')[0]!.textContent).toContain('node_modules/pg-pool');
    expect(frame('runtime')).toHaveLength(2);
  });

  it('groups attributes into http, db, error, other and resource sections', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={POOL_CONNECT} />);
    const titles = [...screen.getByTestId('span-details').querySelectorAll('.attribute-group > summary')].map(
      (s) => s.firstChild?.textContent?.trim(),
    );
    expect(titles).toEqual(['HTTP & network', 'Database', 'Resource (process)', 'Logs']);
  });

  it('shows the logs of the selected span only', () => {
    render(<TraceView {...loadedTrace(poolExhaustedTrace)} spanId={ORDERS_HANDLER} />);
    const lines = screen.getAllByTestId('log-line');
    expect(lines.map((l) => l.textContent)).toEqual([expect.stringContaining('failed to load order 42')]);
  });
});

describe('markup in telemetry', () => {
  it('renders a payload in a span name, an attribute and a log line as text and creates no element from it', () => {
    const { container } = render(<TraceView {...loadedTrace(xssTrace())} spanId={POOL_CONNECT} />);
    expect(screen.getByTestId('origin-span').textContent).toContain(XSS);
    expect(screen.getByTestId('span-details').textContent).toContain(`db.statement${XSS}`);
    expect(container.querySelector('a[href^="javascript"]')).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: /Logs/ }));
    expect(screen.getAllByTestId('log-line')[0]!.textContent).toContain(XSS);
    expect(document.querySelectorAll('img')).toHaveLength(0);
  });
});
