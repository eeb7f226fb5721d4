import {
  type Attributes,
  type AttributeValue,
  type LogRecord,
  SPAN_KIND_NAMES,
  type Span,
  STATUS_CODE_NAMES,
} from '@faultline/model';

/*
 * The model back to OTLP/JSON (ExportTraceServiceRequest / ExportLogsServiceRequest), per the OTLP
 * JSON encoding: hex ids, integer enums, int64 as decimal strings. Used to export a trace as a file
 * that any OTLP/JSON reader — Faultline's own import included — takes back.
 */

type JsonAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: JsonAnyValue[] } }
  | { kvlistValue: { values: JsonKeyValue[] } }
  | Record<string, never>;
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}

function anyValue(value: AttributeValue): JsonAnyValue {
  if (value === null) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

function keyValues(attributes: Attributes): JsonKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** Groups items by their resource object (shared by reference), keeping first-seen order. */
function byResource<T extends { resource: Attributes }>(items: readonly T[]): Map<Attributes, T[]> {
  const groups = new Map<Attributes, T[]>();
  for (const item of items) {
    const list = groups.get(item.resource) ?? [];
    list.push(item);
    groups.set(item.resource, list);
  }
  return groups;
}

function scopeKey(scope: { name: string; version?: string } | undefined): string {
  return scope ? `${scope.name}\u0000${scope.version ?? ''}` : '';
}

type Scope = { name: string; version?: string } | undefined;

function byScope<T extends { scope?: Scope }>(items: readonly T[]): { scope: Scope; items: T[] }[] {
  const groups = new Map<string, { scope: Scope; items: T[] }>();
  for (const item of items) {
    const key = scopeKey(item.scope);
    const group = groups.get(key) ?? { scope: item.scope, items: [] as T[] };
    group.items.push(item);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const scopeJson = (scope: { name: string; version?: string } | undefined) =>
  scope ? { name: scope.name, ...(scope.version ? { version: scope.version } : {}) } : {};

/** Spans as an OTLP/JSON ExportTraceServiceRequest. */
export function encodeTracesJson(spans: readonly Span[]): object {
  return {
    resourceSpans: [...byResource(spans)].map(([resource, list]) => ({
      resource: { attributes: keyValues(resource) },
      scopeSpans: byScope(list).map(({ scope, items }) => ({
        scope: scopeJson(scope),
        spans: items.map((span) => ({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          kind: Math.max(0, SPAN_KIND_NAMES.indexOf(span.kind)),
          startTimeUnixNano: span.startTimeUnixNano.toString(),
          endTimeUnixNano: span.endTimeUnixNano.toString(),
          attributes: keyValues(span.attributes),
          events: span.events.map((e) => ({
            name: e.name,
            timeUnixNano: e.timeUnixNano.toString(),
            attributes: keyValues(e.attributes),
          })),
          links: span.links.map((l) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: keyValues(l.attributes),
          })),
          ...(span.droppedAttributesCount ? { droppedAttributesCount: span.droppedAttributesCount } : {}),
          ...(span.droppedEventsCount ? { droppedEventsCount: span.droppedEventsCount } : {}),
          ...(span.droppedLinksCount ? { droppedLinksCount: span.droppedLinksCount } : {}),
          status: {
            code: Math.max(0, STATUS_CODE_NAMES.indexOf(span.status.code)),
            ...(span.status.message ? { message: span.status.message } : {}),
          },
        })),
      })),
    })),
  };
}

/** Log records as an OTLP/JSON ExportLogsServiceRequest. */
export function encodeLogsJson(logs: readonly LogRecord[]): object {
  return {
    resourceLogs: [...byResource(logs)].map(([resource, list]) => ({
      resource: { attributes: keyValues(resource) },
      scopeLogs: byScope(list).map(({ scope, items }) => ({
        scope: scopeJson(scope),
        logRecords: items.map((log) => ({
          timeUnixNano: log.timeUnixNano.toString(),
          observedTimeUnixNano: log.observedTimeUnixNano.toString(),
          severityNumber: log.severityNumber,
          severityText: log.severityText,
          body: anyValue(log.body),
          attributes: keyValues(log.attributes),
          ...(log.traceId ? { traceId: log.traceId } : {}),
          ...(log.spanId ? { spanId: log.spanId } : {}),
        })),
      })),
    })),
  };
}
