import { serviceStyle } from '../format/service-colour.js';
import { formatDateTime, formatDurationMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { mapPath } from '../router/routes.js';
import { DownloadJsonButton } from './download-json-button.js';
import { ReportActions } from './report-actions.js';
import type { WaterfallModel } from './waterfall-model.js';

/**
 * The line above a trace: its id, time, size and services, and what can be done with it: see it on
 * the service map, copy or download the incident report (failing traces), download the JSON.
 */
export function TraceToolbar(props: {
  traceId: string;
  /** The trace failed at its entry, so it has an incident report. */
  failed: boolean;
  model: WaterfallModel;
  services: string[];
}) {
  const { traceId, model } = props;
  return (
    <div class="trace-toolbar">
      <Link href="/traces">← Traces</Link>
      <span class="trace-id" title="Trace id">
        {traceId}
      </span>
      <span class="muted">
        {formatDateTime(model.traceStartUnixNano)} · {formatDurationMs(model.traceDurationMs)} ·{' '}
        {model.nodes.length} spans
      </span>
      <span class="trace-services">
        {props.services.map((s) => (
          <span key={s} class="service-dot" style={serviceStyle(s)}>
            {s}
          </span>
        ))}
      </span>
      <span class="spacer" />
      <Link href={mapPath(traceId)} data-testid="show-on-map">
        Show on map
      </Link>
      {props.failed && <ReportActions traceId={traceId} />}
      <DownloadJsonButton traceId={traceId} />
    </div>
  );
}
