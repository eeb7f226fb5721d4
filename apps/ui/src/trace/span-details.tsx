import { durationMsBetween, EXCEPTION_EVENT_NAME, type LogRecord, type Span } from '@faultline/model';
import { serviceStyle } from '../format/service-colour.js';
import { formatDateTime, formatDurationMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import { attributeText, groupAttributes } from './attribute-groups.js';
import { AttributeValue } from './attribute-value.js';
import { LogTable } from './log-table.js';
import type { SpanRole } from './span-roles.js';
import { StackTrace } from './stack-trace.js';

/** The details of one span: status, exception with stack trace, grouped attributes, events, logs, links. */
export function SpanDetails(props: {
  span: Span;
  logs: LogRecord[];
  traceStartUnixNano: bigint;
  role: SpanRole | undefined;
  onClose: () => void;
}) {
  const { span } = props;
  const exceptions = span.events.filter((e) => e.name === EXCEPTION_EVENT_NAME);
  const otherEvents = span.events.filter((e) => e.name !== EXCEPTION_EVENT_NAME);
  const offsetMs = durationMsBetween(props.traceStartUnixNano, span.startTimeUnixNano);
  return (
    <aside class="span-details" aria-label="Span details" data-testid="span-details">
      <header class="span-details-header">
        <div class="span-details-title">
          <span class="service-chip" style={serviceStyle(span.service)}>
            {span.service}
          </span>
          <h2>{span.name}</h2>
          {props.role === 'origin' && <span class="role-badge origin">◉ origin</span>}
          {props.role === 'propagated' && <span class="role-badge propagated">↑ propagated</span>}
        </div>
        <button type="button" class="icon-button" aria-label="Close span details" onClick={props.onClose}>
          ×
        </button>
      </header>
      <dl class="span-facts">
        <dt>Status</dt>
        <dd class={span.status.code === 'ERROR' ? 'bad' : undefined}>
          {span.status.code}
          {span.status.message ? ` · ${span.status.message}` : ''}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDurationMs(durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano))}</dd>
        <dt>Started</dt>
        <dd>
          {formatDateTime(span.startTimeUnixNano)} <span class="muted">(+{formatDurationMs(offsetMs)})</span>
        </dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        <dt>Span id</dt>
        <dd class="mono">{span.spanId}</dd>
      </dl>

      {exceptions.map((event, i) => (
        <section key={i} class="exception" data-testid="exception">
          <h3>
            Exception{' '}
            <span class="exception-type">{attributeText(event.attributes['exception.type'] ?? 'Error')}</span>
          </h3>
          <p class="exception-message">{attributeText(event.attributes['exception.message'] ?? '')}</p>
          {typeof event.attributes['exception.stacktrace'] === 'string' && (
            <details open>
              <summary>Stack trace</summary>
              <StackTrace stacktrace={event.attributes['exception.stacktrace']} />
            </details>
          )}
        </section>
      ))}

      {groupAttributes(span.attributes, span.resource).map((group) => (
        <details key={group.name} class="attribute-group" open={group.name !== 'resource'}>
          <summary>
            {group.title} <span class="muted">{group.entries.length}</span>
          </summary>
          <table class="attributes">
            <tbody>
              {group.entries.map(([key, value]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  <td>
                    <AttributeValue value={value} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ))}

      {otherEvents.length > 0 && (
        <details class="attribute-group" open>
          <summary>
            Events <span class="muted">{otherEvents.length}</span>
          </summary>
          <ul class="events">
            {otherEvents.map((event, i) => (
              <li key={i}>
                <span class="muted">
                  +{formatDurationMs(durationMsBetween(props.traceStartUnixNano, event.timeUnixNano))}
                </span>{' '}
                <strong>{event.name}</strong>
                {Object.entries(event.attributes).map(([key, value]) => (
                  <span key={key} class="event-attr">
                    {' '}
                    {key}=<AttributeValue value={value} />
                  </span>
                ))}
              </li>
            ))}
          </ul>
        </details>
      )}

      <details class="attribute-group" open={props.logs.length > 0}>
        <summary>
          Logs <span class="muted">{props.logs.length}</span>
        </summary>
        <LogTable logs={props.logs} />
      </details>

      {span.links.length > 0 && (
        <details class="attribute-group" open>
          <summary>
            Links <span class="muted">{span.links.length}</span>
          </summary>
          <ul class="links">
            {span.links.map((link) => (
              <li key={`${link.traceId}-${link.spanId}`}>
                <Link href={tracePath(link.traceId, link.spanId)} class="mono">
                  {link.traceId.slice(0, 8)}… / {link.spanId}
                </Link>
              </li>
            ))}
          </ul>
        </details>
      )}
    </aside>
  );
}
