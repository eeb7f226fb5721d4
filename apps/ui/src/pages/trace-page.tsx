import { useEffect } from 'preact/hooks';
import { ApiError } from '../api/http-client.js';
import { usePolled } from '../hooks/use-polled.js';
import { Link } from '../router/history.js';
import { loadTrace, takePrefetchedTrace } from '../trace/trace-loading.js';
import { TraceView } from '../trace/trace-view.js';

/**
 * `/traces/:traceId`: loads the trace's outline (main.tsx may have started already) and shows it; a
 * trace not stored (yet) says so and offers a retry.
 */
export function TracePage(props: { traceId: string; spanId: string | undefined }) {
  const loaded = usePolled(
    (signal) => takePrefetchedTrace(props.traceId) ?? loadTrace(props.traceId, props.spanId, signal),
    0,
    [props.traceId],
  );
  // Details still loading for a trace left behind are not wanted any more.
  useEffect(() => () => loaded.data?.details.dispose(), [loaded.data]);
  const missing = loaded.error instanceof ApiError && loaded.error.status === 404;
  // A trace id taken from a fresh `traceresponse` header may beat its spans here (exporters batch for
  // a few seconds): keep asking until they arrive.
  useEffect(() => {
    if (!missing) return undefined;
    const timer = setInterval(loaded.refresh, 3000);
    return () => clearInterval(timer);
  }, [missing, props.traceId]);
  if (loaded.data && loaded.data.outline.traceId === props.traceId) {
    const { outline, details } = loaded.data;
    return <TraceView key={props.traceId} outline={outline} details={details} spanId={props.spanId} />;
  }
  if (loaded.error) {
    return (
      <main class="page">
        <h1>{missing ? 'Trace not found' : 'Could not load the trace'}</h1>
        <p>
          {missing ? (
            <>
              No span of trace <code>{props.traceId}</code> is stored yet. If the request just happened, its
              spans may still be on their way (exporters batch for a few seconds); this page checks again
              every 3 s.
            </>
          ) : (
            loaded.error.message
          )}
        </p>
        <p>
          <button type="button" onClick={loaded.refresh}>
            Try again
          </button>{' '}
          <Link href="/">Back to failures</Link>
        </p>
      </main>
    );
  }
  return (
    <main class="page">
      <p class="muted loading">Loading trace {props.traceId}…</p>
    </main>
  );
}
