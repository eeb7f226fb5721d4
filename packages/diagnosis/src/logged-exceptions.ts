import type { Attributes, LogRecord, Span, SpanEvent } from '@faultline/model';
import {
  EXCEPTION_EVENT_NAME,
  EXCEPTION_MESSAGE,
  EXCEPTION_STACKTRACE,
  EXCEPTION_TYPE,
} from '@faultline/model';

/**
 * A span holds at most this many events with the logged exceptions added, as many as the decoder
 * keeps of a span's own (the SDK's default limit): a sender flooding one span with exception logs
 * must not grow every answer and every diagnosis of its trace. The rest count as dropped events.
 */
export const MAX_EVENTS_WITH_LOGGED = 128;

/** The `exception.*` attributes an exception log record carries (semantic conventions, exceptions in logs). */
const EXCEPTION_KEYS = [EXCEPTION_TYPE, EXCEPTION_MESSAGE, EXCEPTION_STACKTRACE] as const;

/**
 * The trace's spans with the exceptions their logs recorded attached as `exception` events, so that
 * an exception reads the same wherever the SDK put it. Semantic conventions 1.40 move exceptions from
 * span events to log records (`exception.type`/`message`/`stacktrace` on a log carrying the span's
 * ids; instrumentations switch with OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN=logs): a Node service that
 * opts in sends its 500's exception as a log, and without this the diagnosis saw a 5xx with no
 * exception (`explicit_5xx`) where the span-event form gave `exception`.
 * A log's exception the span already has as an event (same type and message: `logs/dup` sends both)
 * is not added twice. Spans without such logs are returned as they are; the others are copies, their
 * events in time order. Pure: the logs are left as they are.
 */
export function withLoggedExceptions(spans: readonly Span[], logs: readonly LogRecord[]): Span[] {
  const bySpan = new Map<string, SpanEvent[]>();
  for (const log of logs) {
    if (log.spanId === null || log.traceId === null || !isExceptionLog(log.attributes)) continue;
    const key = `${log.traceId}/${log.spanId}`;
    const event: SpanEvent = {
      name: EXCEPTION_EVENT_NAME,
      timeUnixNano: log.timeUnixNano !== 0n ? log.timeUnixNano : log.observedTimeUnixNano,
      attributes: exceptionAttributes(log.attributes),
    };
    const events = bySpan.get(key);
    if (events === undefined) bySpan.set(key, [event]);
    else events.push(event);
  }
  if (bySpan.size === 0) return [...spans];
  return spans.map((span) => {
    const logged = bySpan.get(`${span.traceId}/${span.spanId}`);
    if (logged === undefined) return span;
    const added = logged.filter((event) => !span.events.some((known) => isSameException(known, event)));
    if (added.length === 0) return span;
    const room = Math.max(0, MAX_EVENTS_WITH_LOGGED - span.events.length);
    const events = [...span.events, ...added.slice(0, room)].sort((a, b) =>
      a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
    );
    if (added.length <= room) return { ...span, events };
    const droppedEventsCount = (span.droppedEventsCount ?? 0) + added.length - room;
    return { ...span, events, droppedEventsCount };
  });
}

/** A log record is an exception's when it names the exception's type or message (both conditionally required). */
function isExceptionLog(attributes: Attributes): boolean {
  return isText(attributes[EXCEPTION_TYPE]) || isText(attributes[EXCEPTION_MESSAGE]);
}

function exceptionAttributes(attributes: Attributes): Attributes {
  const picked: Attributes = {};
  for (const key of EXCEPTION_KEYS) {
    const value = attributes[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function isSameException(known: SpanEvent, logged: SpanEvent): boolean {
  return (
    known.name === EXCEPTION_EVENT_NAME &&
    known.attributes[EXCEPTION_TYPE] === logged.attributes[EXCEPTION_TYPE] &&
    known.attributes[EXCEPTION_MESSAGE] === logged.attributes[EXCEPTION_MESSAGE]
  );
}

function isText(value: unknown): boolean {
  return typeof value === 'string' && value !== '';
}
