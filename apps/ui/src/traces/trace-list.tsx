import { CAUSE_LABELS, type Cause } from '@faultline/diagnosis';
import type { TraceSummary } from '../api/search-api.js';
import { serviceStyle } from '../format/service-colour.js';
import { formatDateTime, formatDurationMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';

/** The status of a trace's entry request as a short badge: the HTTP code, else ERROR/OK. */
export function StatusBadge(props: { httpStatusCode: number | null; errorCount: number }) {
  const code = props.httpStatusCode;
  const failed = code !== null ? code >= 500 : props.errorCount > 0;
  const text = code !== null ? String(code) : props.errorCount > 0 ? 'ERR' : 'OK';
  const tone = failed ? 'bad' : code !== null && code >= 400 ? 'warn' : 'good';
  return <span class={`status-badge ${tone}`}>{text}</span>;
}

/** Search results: one row per trace, newest first; a row links to its trace. */
export function TraceList(props: { traces: TraceSummary[] }) {
  return (
    <table class="trace-list">
      <thead>
        <tr>
          <th>Status</th>
          <th>Entry</th>
          <th class="num">Duration</th>
          <th class="num">Spans</th>
          <th>Origin</th>
          <th>Services</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {props.traces.map((t) => (
          <tr key={t.traceId} data-testid="trace-row">
            <td>
              <StatusBadge httpStatusCode={t.httpStatusCode} errorCount={t.errorCount} />
            </td>
            <td class="entry">
              <Link href={tracePath(t.traceId)}>
                {/* The wire type allows a trace without a root service: no chip then, not a crash. */}
                {t.rootService !== null && (
                  <>
                    <span class="service-chip" style={serviceStyle(t.rootService)}>
                      {t.rootService}
                    </span>{' '}
                  </>
                )}
                {t.httpMethod && t.httpRoute ? `${t.httpMethod} ${t.httpRoute}` : t.rootName}
              </Link>
            </td>
            <td class="num">{formatDurationMs(t.durationMs)}</td>
            <td class="num">
              {t.spanCount}
              {t.errorCount > 0 && (
                <span class="error-count" title="error spans">{` · ${t.errorCount} err`}</span>
              )}
            </td>
            <td class="origin" data-testid="trace-origin">
              {t.cause !== null && t.originService !== null && (
                <>
                  <span class="service-chip" style={serviceStyle(t.originService)}>
                    {t.originService}
                  </span>{' '}
                  <span class="cause">{CAUSE_LABELS[t.cause as Cause] ?? t.cause}</span>
                </>
              )}
            </td>
            <td class="services">
              {[...t.services].sort().map((s) => (
                <span key={s} class="service-dot" style={serviceStyle(s)} title={s}>
                  {s}
                </span>
              ))}
            </td>
            <td class="time">{formatDateTime(t.startTimeUnixNano)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
