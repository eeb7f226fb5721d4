// ExportTraceServiceRequest in OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf
// Encoding"; field names from trace/v1/trace.proto in lowerCamelCase), walked into model spans.
import type { Attributes, Span, SpanEvent, SpanLink, SpanStatus } from '@faultline/model';
import { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '@faultline/model';
import type { DecodedTraces } from './decoded-batch.js';
import { hexIdProblem, isAllZeroId, SPAN_ID_BYTES, TRACE_ID_BYTES } from './ids.js';
import { ItemBudget } from './item-budget.js';
import type { JsonObject } from './json-fields.js';
import {
  arrayField,
  enumField,
  field,
  objectElement,
  objectField,
  parseJsonRequest,
  pathOf,
  stringField,
  uint32Field,
  uint64Field,
} from './json-fields.js';
import { jsonResource, jsonScope } from './json-resource-scope.js';
import { JsonValueReader } from './json-values.js';
import type { Scope } from './protobuf-common.js';
import { Rejections } from './rejections.js';
import { fixClockSkew, serviceNameOf } from './span-fixups.js';
import { timeProblem } from './times.js';
import { MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN } from './value-limits.js';

const KIND_ENUM_NAMES = SPAN_KIND_NAMES.map((kind) => `SPAN_KIND_${kind}`);
const STATUS_ENUM_NAMES = STATUS_CODE_NAMES.map((code) => `STATUS_CODE_${code}`);

/**
 * Decodes an OTLP/JSON ExportTraceServiceRequest; `{}` is a valid request with no spans. Throws
 * OtlpTooManyItemsError past `maxItems` spans plus kept events and links.
 */
export function decodeTracesJson(body: string, maxItems?: number): DecodedTraces {
  const request = parseJsonRequest(body, 'ExportTraceServiceRequest');
  const values = new JsonValueReader();
  const spans: Span[] = [];
  const rejections = new Rejections('span');
  const budget = new ItemBudget(maxItems);
  const resourceSpansList = arrayField(request, 'resourceSpans', 'resource_spans', '');
  for (let i = 0; i < resourceSpansList.length; i++) {
    const resourceSpans = objectElement(resourceSpansList, i, 'resourceSpans');
    const path = `resourceSpans[${i}]`;
    const resource = jsonResource(resourceSpans, path, values);
    const service = serviceNameOf(resource);
    const scopeSpansList = arrayField(resourceSpans, 'scopeSpans', 'scope_spans', path);
    for (let j = 0; j < scopeSpansList.length; j++) {
      const scopeSpans = objectElement(scopeSpansList, j, pathOf(path, 'scopeSpans'));
      const scopePath = `${path}.scopeSpans[${j}]`;
      const scope = jsonScope(scopeSpans, scopePath);
      const label = { name: scope?.name ?? '' };
      const spanList = arrayField(scopeSpans, 'spans', 'spans', scopePath);
      for (let k = 0; k < spanList.length; k++) {
        const message = objectElement(spanList, k, pathOf(scopePath, 'spans'));
        const spanPath = `${scopePath}.spans[${k}]`;
        const times = {
          start: uint64Field(message, 'startTimeUnixNano', 'start_time_unix_nano', spanPath),
          end: uint64Field(message, 'endTimeUnixNano', 'end_time_unix_nano', spanPath),
        };
        const problem =
          spanIdsProblem(message) ||
          timeProblem('start time', times.start) ||
          timeProblem('end time', times.end);
        if (problem !== '') {
          rejections.add(k + 1, stringField(message, 'name', 'name', spanPath), label, problem);
          continue;
        }
        const span = readSpan(message, spanPath, times, resource, service, scope, values);
        budget.spend(1 + span.events.length + span.links.length);
        spans.push(span);
      }
    }
  }
  return { spans, rejectedSpans: rejections.count, errorMessage: rejections.message() };
}

function spanIdsProblem(span: JsonObject): string {
  const parent = field(span, 'parentSpanId', 'parent_span_id');
  const parentProblem =
    parent === undefined || parent === '' ? '' : hexIdProblem('parent span id', parent, SPAN_ID_BYTES);
  return (
    hexIdProblem('trace id', field(span, 'traceId', 'trace_id'), TRACE_ID_BYTES) ||
    hexIdProblem('span id', field(span, 'spanId', 'span_id'), SPAN_ID_BYTES) ||
    // An all-zero parent is how some exporters (Zipkin bridges) say "root".
    (parentProblem.endsWith('all zeros') ? '' : parentProblem)
  );
}

// Only called once spanIdsProblem found the ids well-formed.
function hexId(message: JsonObject, camel: string, snake: string): string {
  return (field(message, camel, snake) as string).toLowerCase();
}

function readSpan(
  message: JsonObject,
  path: string,
  times: { start: bigint; end: bigint },
  resource: Attributes,
  service: string,
  scope: Scope | undefined,
  values: JsonValueReader,
): Span {
  const attributes: Attributes = {};
  const dropped = values.attributes(message, path, attributes);
  const parent = field(message, 'parentSpanId', 'parent_span_id');
  const parentSpanId =
    typeof parent === 'string' && parent !== '' && !isAllZeroId(parent) ? parent.toLowerCase() : null;
  const kind = enumField(message, 'kind', 'kind', path, KIND_ENUM_NAMES);
  const span: Span = {
    traceId: hexId(message, 'traceId', 'trace_id'),
    spanId: hexId(message, 'spanId', 'span_id'),
    parentSpanId,
    service,
    name: stringField(message, 'name', 'name', path),
    kind: SPAN_KIND_NAMES[kind] ?? 'UNSPECIFIED',
    startTimeUnixNano: times.start,
    endTimeUnixNano: times.end,
    status: readStatus(objectField(message, 'status', 'status', path), pathOf(path, 'status')),
    attributes,
    resource,
    events: readEvents(message, path, values),
    links: readLinks(message, path, values),
  };
  if (scope !== undefined) span.scope = scope;
  if (dropped > 0) span.droppedAttributesCount = dropped;
  // The sender's own counts plus what the decoder left out (over the cap, links pointing nowhere).
  const droppedEvents =
    arrayField(message, 'events', 'events', path).length -
    span.events.length +
    uint32Field(message, 'droppedEventsCount', 'dropped_events_count', path);
  const droppedLinks =
    arrayField(message, 'links', 'links', path).length -
    span.links.length +
    uint32Field(message, 'droppedLinksCount', 'dropped_links_count', path);
  if (droppedEvents > 0) span.droppedEventsCount = droppedEvents;
  if (droppedLinks > 0) span.droppedLinksCount = droppedLinks;
  fixClockSkew(span);
  return span;
}

function readStatus(message: JsonObject | null, path: string): SpanStatus {
  if (message === null) return { code: 'UNSET' };
  const code = enumField(message, 'code', 'code', path, STATUS_ENUM_NAMES);
  const status: SpanStatus = { code: STATUS_CODE_NAMES[code] ?? 'UNSET' };
  const text = stringField(message, 'message', 'message', path);
  if (text !== '') status.message = text;
  return status;
}

function readEvents(span: JsonObject, path: string, values: JsonValueReader): SpanEvent[] {
  const list = arrayField(span, 'events', 'events', path);
  const events: SpanEvent[] = [];
  for (let i = 0; i < Math.min(list.length, MAX_EVENTS_PER_SPAN); i++) {
    const message = objectElement(list, i, pathOf(path, 'events'));
    const eventPath = `${path}.events[${i}]`;
    const attributes: Attributes = {};
    const dropped = values.attributes(message, eventPath, attributes);
    const event: SpanEvent = {
      name: stringField(message, 'name', 'name', eventPath),
      timeUnixNano: uint64Field(message, 'timeUnixNano', 'time_unix_nano', eventPath),
      attributes,
    };
    if (dropped > 0) event.droppedAttributesCount = dropped;
    events.push(event);
  }
  return events;
}

// A link whose ids are malformed points nowhere: it is dropped, the span it hangs on is kept.
function readLinks(span: JsonObject, path: string, values: JsonValueReader): SpanLink[] {
  const list = arrayField(span, 'links', 'links', path);
  const links: SpanLink[] = [];
  for (let i = 0; i < list.length && links.length < MAX_LINKS_PER_SPAN; i++) {
    const message = objectElement(list, i, pathOf(path, 'links'));
    if (
      hexIdProblem('trace id', field(message, 'traceId', 'trace_id'), TRACE_ID_BYTES) !== '' ||
      hexIdProblem('span id', field(message, 'spanId', 'span_id'), SPAN_ID_BYTES) !== ''
    ) {
      continue;
    }
    const attributes: Attributes = {};
    const dropped = values.attributes(message, `${path}.links[${i}]`, attributes);
    const link: SpanLink = {
      traceId: hexId(message, 'traceId', 'trace_id'),
      spanId: hexId(message, 'spanId', 'span_id'),
      attributes,
    };
    if (dropped > 0) link.droppedAttributesCount = dropped;
    links.push(link);
  }
  return links;
}
