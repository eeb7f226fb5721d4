import { compareTrace } from '../api/compare-api.js';
import { usePolled } from '../hooks/use-polled.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import { DiffSections } from './diff-sections.js';

/**
 * "Compare with a successful request": the failing trace against the nearest successful trace of the
 * same entry operation (the collector picks it), and what differs: slower spans, work that never
 * happened, extra work, different attribute values.
 */
export function ComparePanel(props: { traceId: string; entry: string }) {
  const loaded = usePolled((signal) => compareTrace(props.traceId, signal), 0, [props.traceId]);
  const comparison = loaded.data;
  return (
    <section
      class="compare-panel"
      aria-label="Compared with a successful request"
      data-testid="compare-panel"
    >
      {loaded.error && <p class="notice error">Could not compare: {loaded.error.message}</p>}
      {!comparison && !loaded.error && <p class="muted loading">Finding the nearest successful request…</p>}
      {comparison && comparison.baselineTraceId === null && (
        <p class="compare-none" data-testid="compare-none">
          No request to <strong>{props.entry}</strong> has succeeded yet (among the traces this collector
          keeps), so there is nothing to compare with. When one succeeds, it is compared here.
        </p>
      )}
      {comparison?.baselineTraceId && comparison.diff && (
        <>
          <p class="compare-baseline">
            Compared with the nearest successful request to <strong>{props.entry}</strong>:{' '}
            <Link href={tracePath(comparison.baselineTraceId)} data-testid="compare-baseline-link">
              trace {comparison.baselineTraceId.slice(0, 8)}…
            </Link>
          </p>
          <DiffSections diff={comparison.diff} />
        </>
      )}
    </section>
  );
}
