import { CAUSE_LABELS } from '@faultline/diagnosis';
import { useMemo } from 'preact/hooks';
import { ApiError } from '../api/http-client.js';
import { getServiceMap } from '../api/map-api.js';
import { getTrace, type Trace } from '../api/trace-api.js';
import { usePolled } from '../hooks/use-polled.js';
import { mapWithTrace } from '../map/map-data.js';
import { MapLegend } from '../map/map-legend.js';
import { ServiceMap } from '../map/service-map.js';
import { type TraceOnMap, traceOnMap } from '../map/trace-on-map.js';
import { Link } from '../router/history.js';
import { mapPath, tracePath } from '../router/routes.js';

const POLL_MS = 10_000;

/**
 * `/map[?trace=<traceId>]`: services, databases and uninstrumented peers with the calls between them,
 * refreshed every 10 s. With a trace, its failing path is highlighted and its origin marked.
 */
export function MapPage(props: { traceId: string | undefined }) {
  const map = usePolled((signal) => getServiceMap(signal), POLL_MS, []);
  const trace = usePolled(
    (signal) => (props.traceId ? getTrace(props.traceId, signal) : Promise.resolve(undefined)),
    0,
    [props.traceId],
  );
  const shown = trace.data && trace.data.traceId === props.traceId ? trace.data : undefined;
  const lit = useMemo(() => (shown ? traceOnMap(shown.spans, shown.diagnosis) : undefined), [shown]);
  const drawn = useMemo(() => (map.data ? mapWithTrace(map.data, lit) : undefined), [map.data, lit]);
  return (
    <main class="page map-page">
      <header class="page-header">
        <h1>Service map</h1>
        <p class="muted">
          Calls between services, databases and peers that send no spans, over the last 24 hours. Each node
          counts the failing requests that originated in it and those that only passed through.
        </p>
      </header>
      {props.traceId && <TraceBanner traceId={props.traceId} trace={shown} lit={lit} error={trace.error} />}
      {map.error && (
        <p class="notice error">Could not load the service map: {map.error.message}. Retrying.</p>
      )}
      {!drawn && !map.error && <p class="muted loading">Loading the service map…</p>}
      {drawn && drawn.nodes.length === 0 && (
        <section class="empty-state" data-testid="empty-map">
          <h2>No calls yet</h2>
          <p>When instrumented services handle requests, the services and what they call appear here.</p>
        </section>
      )}
      {drawn && drawn.nodes.length > 0 && (
        <>
          <MapLegend highlighting={lit !== undefined} />
          <ServiceMap nodes={drawn.nodes} edges={drawn.edges} highlight={lit} />
        </>
      )}
    </main>
  );
}

/** What the highlight shows, in words: the path, where it originated and why; or why nothing is lit. */
function TraceBanner(props: {
  traceId: string;
  trace: Trace | undefined;
  lit: TraceOnMap | undefined;
  error: Error | undefined;
}) {
  const { trace, lit } = props;
  const back = (
    <span class="map-trace-links">
      <Link href={tracePath(props.traceId)}>Back to the trace</Link> · <Link href={mapPath()}>Clear</Link>
    </span>
  );
  if (props.error) {
    const missing = props.error instanceof ApiError && props.error.status === 404;
    return (
      <p class="notice error" data-testid="map-trace-banner">
        {missing
          ? `Trace ${props.traceId} is not stored, so there is no path to highlight.`
          : `Could not load trace ${props.traceId}: ${props.error.message}.`}{' '}
        {back}
      </p>
    );
  }
  if (!trace || !lit) return <p class="muted loading">Loading trace {props.traceId}…</p>;
  const diagnosis = trace.diagnosis;
  return (
    <section
      class={diagnosis ? 'map-trace-banner failing' : 'map-trace-banner'}
      data-testid="map-trace-banner"
    >
      {diagnosis ? (
        <p>
          <strong>Failing path of trace </strong>
          <code>{trace.traceId.slice(0, 8)}</code>: {lit.sequence.join(' → ')}. It originated in{' '}
          <strong>{lit.originNode}</strong> ({CAUSE_LABELS[diagnosis.cause] ?? diagnosis.cause}).
        </p>
      ) : (
        <p>
          Trace <code>{trace.traceId.slice(0, 8)}</code> did not fail; the calls it made are highlighted.
        </p>
      )}
      {back}
    </section>
  );
}
