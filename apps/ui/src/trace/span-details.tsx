import {
  durationMsBetween,
  EXCEPTION_EVENT_NAME,
  type LogRecord,
  type Span,
  type SpanOutline,
} from '@faultline/model';
import type { SpanDetail } from '../api/trace-outline-api.js';
import { serviceStyle } from '../format/service-colour.js';
import { formatDateTime, formatDurationMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { tracePath } from '../router/routes.js';
import { attributeText, groupAttributes } from './attribute-groups.js';
import { AttributeValue } from './attribute-value.js';
import { LogTable } from './log-table.js';
import type { SpanRole } from './span-roles.js';
import { StackTrace } from './stack-trace.js';
import type { Loaded } from './trace-details.js';

/**
 * The details of one span: status and timing from its outline at once; then, as they arrive, the
 * exception with its stack trace, grouped attributes, events, logs and links.
 */
export function SpanDetails(props: {
  outline: SpanOutline;
  detail: Loaded<SpanDetail>;
  traceStartUnixNano: bigint;
  role: SpanRole | undefined;
  onClose: () => void;
}) {
  const { outline, detail } = props;
  const offsetMs = durationMsBetween(props.traceStartUnixNano, outline.startTimeUnixNano);
  return (
    <aside
      class="span-details"
      aria-label="Span details"
      data-testid="span-details"
      aria-busy={detail.state === 'loading'}
    >
      <header class="span-details-header">
        <div class="span-details-title">
          <span class="service-chip" style={serviceStyle(outline.service)}>
            {outline.service}
          </span>
          <h2>{outline.name}</h2>
          {props.role === 'origin' && <span class="role-badge origin">◉ origin</span>}
          {props.role === 'propagated' && <span class="role-badge propagated">↑ propagated</span>}
        </div>
        <button type="button" class="icon-button" aria-label="Close span details" onClick={props.onClose}>
          ×
        </button>
      </header>
      <dl class="span-facts">
        <dt>Status</dt>
        <dd class={outline.status.code === 'ERROR' ? 'bad' : undefined}>
          {outline.status.code}
          {outline.status.message ? ` · ${outline.status.message}` : ''}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDurationMs(durationMsBetween(outline.startTimeUnixNano, outline.endTimeUnixNano))}</dd>
        <dt>Started</dt>
        <dd>
          {formatDateTime(outline.startTimeUnixNano)}{' '}
          <span class="muted">(+{formatDurationMs(offsetMs)})</span>
        </dd>
        <dt>Kind</dt>
        <dd>{outline.kind}</dd>
        <dt>Span id</dt>
        <dd class="mono">{outline.spanId}</dd>
      </dl>
      {detail.state === 'ready' ? (
        <SpanBody
          span={detail.value.span}
          logs={detail.value.logs}
          traceStartUnixNano={props.traceStartUnixNano}
        />
      ) : detail.state === 'loading' ? (
        <p class="muted loading" data-testid="span-details-loading">
          Loading attributes, events and logs…
        </p>
      ) : (
        <p class="notice error">Could not load this span's details: {detail.error.message}</p>
      )}
    </aside>
  );
}

/** What only the whole span has: exceptions, attributes, events, logs and links. */
function SpanBody(props: { span: Span; logs: LogRecord[]; traceStartUnixNano: bigint }) {
  const { span } = props;
  const exceptions = span.events.filter((e) => e.name === EXCEPTION_EVENT_NAME);
  const otherEvents = span.events.filter((e) => e.name !== EXCEPTION_EVENT_NAME);
  return (
    <>
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
    </>
  );
}
