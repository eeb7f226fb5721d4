import type { LogRecord } from '@faultline/model';
import { serviceStyle } from '../format/service-colour.js';
import { formatClockTime } from '../format/time-format.js';
import { attributeText } from './attribute-groups.js';
import type { Loaded } from './trace-details.js';

/** The severity band of an OTLP severity number (spec: logs data model, SeverityNumber ranges). */
export function severityBand(
  severityNumber: number,
  severityText: string,
): 'error' | 'warn' | 'info' | 'debug' {
  if (severityNumber >= 17) return 'error';
  if (severityNumber >= 13) return 'warn';
  if (severityNumber >= 9) return 'info';
  if (severityNumber >= 1) return 'debug';
  const text = severityText.toLowerCase();
  if (/err|fatal|crit|alert|emerg/.test(text)) return 'error';
  if (/warn/.test(text)) return 'warn';
  return 'info';
}

/** Log records as a table: local time with ms, service, severity, body; optionally a span link per row. */
export function LogTable(props: {
  logs: LogRecord[];
  showService?: boolean;
  spanName?: (spanId: string) => string | undefined;
  onSelectSpan?: (spanId: string) => void;
}) {
  if (props.logs.length === 0) return <p class="muted">No logs.</p>;
  return (
    <table class="log-table">
      <tbody>
        {props.logs.map((log, i) => {
          const band = severityBand(log.severityNumber, log.severityText);
          const spanId = log.spanId;
          return (
            <tr key={i} class={`log-${band}`} data-testid="log-line">
              <td class="time">{formatClockTime(log.timeUnixNano || log.observedTimeUnixNano)}</td>
              {props.showService && (
                <td>
                  <span class="service-chip small" style={serviceStyle(log.service)}>
                    {log.service}
                  </span>
                </td>
              )}
              <td class={`severity severity-${band}`}>{log.severityText || band.toUpperCase()}</td>
              <td class="log-body">{attributeText(log.body)}</td>
              {props.onSelectSpan && (
                <td class="log-span">
                  {spanId && (
                    <button type="button" class="link-button" onClick={() => props.onSelectSpan?.(spanId)}>
                      {props.spanName?.(spanId) ?? spanId}
                    </button>
                  )}
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The Logs tab: every log of the trace with its service and span, once they have loaded. */
export function TraceLogs(props: {
  logs: Loaded<LogRecord[]>;
  spanName: (spanId: string) => string | undefined;
  onSelectSpan: (spanId: string) => void;
}) {
  const { logs } = props;
  return (
    <section class="logs-panel" aria-label="All logs of the trace" aria-busy={logs.state === 'loading'}>
      {logs.state === 'ready' ? (
        <LogTable logs={logs.value} showService spanName={props.spanName} onSelectSpan={props.onSelectSpan} />
      ) : logs.state === 'loading' ? (
        <p class="muted loading">Loading the logs…</p>
      ) : (
        <p class="notice error">Could not load the logs: {logs.error.message}</p>
      )}
    </section>
  );
}
