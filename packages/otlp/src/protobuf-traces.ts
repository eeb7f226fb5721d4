// ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1/trace_service.proto) and the
// messages of opentelemetry/proto/trace/v1/trace.proto, decoded in one pass straight into model spans.
import type { Attributes, Span, SpanEvent, SpanLink, SpanStatus } from '@faultline/model';
import { SPAN_KIND_NAMES } from '@faultline/model';
import type { DecodedTraces } from './decoded-batch.js';
import { binaryIdProblem, isAllZeroId, SPAN_ID_BYTES, TRACE_ID_BYTES } from './ids.js';
import { ItemBudget } from './item-budget.js';
import type { Scope } from './protobuf-common.js';
import { readAttribute, readResourceInto, readScope } from './protobuf-common.js';
import { refuseJsonAsProtobuf } from './protobuf-json-guard.js';
import { FIXED64, LENGTH_DELIMITED, ProtobufReader, tagOf, VARINT } from './protobuf-reader.js';
import { readEvent, readLink, readStatus } from './protobuf-span-parts.js';
import type { ScopeLabel } from './rejections.js';
import { Rejections } from './rejections.js';
import { fixClockSkew, serviceNameOf } from './span-fixups.js';
import { timeProblem } from './times.js';
import { MAX_EVENTS_PER_SPAN, MAX_LINKS_PER_SPAN } from './value-limits.js';

const REQUEST_RESOURCE_SPANS = tagOf(1, LENGTH_DELIMITED);
const RESOURCE_SPANS_RESOURCE = tagOf(1, LENGTH_DELIMITED);
const RESOURCE_SPANS_SCOPE_SPANS = tagOf(2, LENGTH_DELIMITED);
const SCOPE_SPANS_SCOPE = tagOf(1, LENGTH_DELIMITED);
const SCOPE_SPANS_SPANS = tagOf(2, LENGTH_DELIMITED);
const SPAN_TRACE_ID = tagOf(1, LENGTH_DELIMITED);
const SPAN_SPAN_ID = tagOf(2, LENGTH_DELIMITED);
const SPAN_PARENT_SPAN_ID = tagOf(4, LENGTH_DELIMITED);
const SPAN_NAME = tagOf(5, LENGTH_DELIMITED);
const SPAN_KIND = tagOf(6, VARINT);
const SPAN_START = tagOf(7, FIXED64);
const SPAN_END = tagOf(8, FIXED64);
const SPAN_ATTRIBUTES = tagOf(9, LENGTH_DELIMITED);
const SPAN_DROPPED_ATTRIBUTES = tagOf(10, VARINT);
const SPAN_EVENTS = tagOf(11, LENGTH_DELIMITED);
const SPAN_DROPPED_EVENTS = tagOf(12, VARINT);
const SPAN_LINKS = tagOf(13, LENGTH_DELIMITED);
const SPAN_DROPPED_LINKS = tagOf(14, VARINT);
const SPAN_STATUS = tagOf(15, LENGTH_DELIMITED);

/**
 * Decodes a binary protobuf ExportTraceServiceRequest; an empty body is a valid request with no spans.
 * Throws OtlpTooManyItemsError past `maxItems` spans plus kept events and links.
 */
export function decodeTracesProtobuf(body: Uint8Array, maxItems?: number): DecodedTraces {
  refuseJsonAsProtobuf(body);
  const r = new ProtobufReader(body);
  const spans: Span[] = [];
  const rejections = new Rejections('span');
  const budget = new ItemBudget(maxItems);
  const end = body.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === REQUEST_RESOURCE_SPANS) {
      readResourceSpans(r, r.readEnd(end, 1, 'ExportTraceServiceRequest'), spans, rejections, budget);
    } else r.skip(tag, end, 'ExportTraceServiceRequest');
  }
  r.checkEnd(end, 'ExportTraceServiceRequest');
  return { spans, rejectedSpans: rejections.count, errorMessage: rejections.message() };
}

function readResourceSpans(
  r: ProtobufReader,
  end: number,
  out: Span[],
  rejections: Rejections,
  budget: ItemBudget,
): void {
  // Filled in place: spans read before the Resource field (unusual but legal) share it all the same.
  const resource: Attributes = {};
  const first = out.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === RESOURCE_SPANS_SCOPE_SPANS) {
      readScopeSpans(r, r.readEnd(end, 2, 'ResourceSpans'), resource, out, rejections, budget);
    } else if (tag === RESOURCE_SPANS_RESOURCE) {
      readResourceInto(r, r.readEnd(end, 1, 'ResourceSpans'), resource);
    } else r.skip(tag, end, 'ResourceSpans');
  }
  r.checkEnd(end, 'ResourceSpans');
  const service = serviceNameOf(resource);
  for (let i = first; i < out.length; i++) out[i]!.service = service;
}

function readScopeSpans(
  r: ProtobufReader,
  end: number,
  resource: Attributes,
  out: Span[],
  rejections: Rejections,
  budget: ItemBudget,
): void {
  const label: ScopeLabel = { name: '' };
  let scope: Scope | undefined;
  let ordinal = 0;
  const first = out.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === SCOPE_SPANS_SPANS) {
      ordinal++;
      const span = readSpan(r, r.readEnd(end, 2, 'ScopeSpans'), resource, scope, ordinal, label, rejections);
      if (span !== null) {
        budget.spend(1 + span.events.length + span.links.length);
        out.push(span);
      }
    } else if (tag === SCOPE_SPANS_SCOPE) {
      scope = readScope(r, r.readEnd(end, 1, 'ScopeSpans'));
      label.name = scope.name;
      for (let i = first; i < out.length; i++) out[i]!.scope = scope;
    } else r.skip(tag, end, 'ScopeSpans');
  }
  r.checkEnd(end, 'ScopeSpans');
}

function readSpan(
  r: ProtobufReader,
  end: number,
  resource: Attributes,
  scope: Scope | undefined,
  ordinal: number,
  scopeLabel: ScopeLabel,
  rejections: Rejections,
): Span | null {
  let traceId = '';
  let traceIdBytes = 0;
  let spanId = '';
  let spanIdBytes = 0;
  let parentSpanId: string | null = null;
  let parentProblem = '';
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes: Attributes = {};
  let attributeCount = 0;
  let dropped = 0;
  let droppedEvents = 0;
  let droppedLinks = 0;
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  let status: SpanStatus | null = null;
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case SPAN_TRACE_ID: {
        const idEnd = r.readEnd(end, 1, 'Span');
        traceIdBytes = idEnd - r.pos;
        traceId = traceIdBytes === TRACE_ID_BYTES ? r.text.hex(r.pos, idEnd) : '';
        r.pos = idEnd;
        break;
      }
      case SPAN_SPAN_ID: {
        const idEnd = r.readEnd(end, 2, 'Span');
        spanIdBytes = idEnd - r.pos;
        spanId = spanIdBytes === SPAN_ID_BYTES ? r.text.hex(r.pos, idEnd) : '';
        r.pos = idEnd;
        break;
      }
      case SPAN_PARENT_SPAN_ID: {
        const idEnd = r.readEnd(end, 4, 'Span');
        const bytes = idEnd - r.pos;
        parentProblem = '';
        parentSpanId = null;
        if (bytes === SPAN_ID_BYTES) {
          const hex = r.text.hex(r.pos, idEnd);
          // An all-zero parent is how some exporters (Zipkin bridges) say "root".
          if (!isAllZeroId(hex)) parentSpanId = hex;
        } else if (bytes !== 0) parentProblem = `parent span id must be ${SPAN_ID_BYTES} bytes, got ${bytes}`;
        r.pos = idEnd;
        break;
      }
      case SPAN_NAME:
        name = r.readString(end, 5, 'Span');
        break;
      case SPAN_KIND:
        kind = r.readVarint();
        break;
      case SPAN_START:
        startTimeUnixNano = r.readFixed64();
        break;
      case SPAN_END:
        endTimeUnixNano = r.readFixed64();
        break;
      case SPAN_ATTRIBUTES:
        dropped += readAttribute(r, end, 9, 'Span', attributes, attributeCount++);
        break;
      case SPAN_DROPPED_ATTRIBUTES:
        dropped += r.readVarint() >>> 0;
        break;
      case SPAN_EVENTS: {
        const eventEnd = r.readEnd(end, 11, 'Span');
        // Past the cap an event is a jump over its bytes: nothing of it is read or allocated.
        if (events.length < MAX_EVENTS_PER_SPAN) events.push(readEvent(r, eventEnd));
        else {
          r.pos = eventEnd;
          droppedEvents++;
        }
        break;
      }
      case SPAN_DROPPED_EVENTS:
        droppedEvents += r.readVarint() >>> 0;
        break;
      case SPAN_LINKS: {
        const linkEnd = r.readEnd(end, 13, 'Span');
        const link = links.length < MAX_LINKS_PER_SPAN ? readLink(r, linkEnd) : null;
        r.pos = linkEnd;
        if (link !== null) links.push(link);
        else droppedLinks++;
        break;
      }
      case SPAN_DROPPED_LINKS:
        droppedLinks += r.readVarint() >>> 0;
        break;
      case SPAN_STATUS:
        status = readStatus(r, r.readEnd(end, 15, 'Span'));
        break;
      default:
        r.skip(tag, end, 'Span');
    }
  }
  r.checkEnd(end, 'Span');

  const problem =
    binaryIdProblem('trace id', traceId, traceIdBytes, TRACE_ID_BYTES) ||
    binaryIdProblem('span id', spanId, spanIdBytes, SPAN_ID_BYTES) ||
    parentProblem ||
    timeProblem('start time', startTimeUnixNano) ||
    timeProblem('end time', endTimeUnixNano);
  if (problem !== '') {
    rejections.add(ordinal, name, scopeLabel, problem);
    return null;
  }
  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    service: '',
    name,
    kind: kind < SPAN_KIND_NAMES.length ? SPAN_KIND_NAMES[kind]! : 'UNSPECIFIED',
    startTimeUnixNano,
    endTimeUnixNano,
    status: status ?? { code: 'UNSET' },
    attributes,
    resource,
    events,
    links,
  };
  if (scope !== undefined) span.scope = scope;
  if (dropped > 0) span.droppedAttributesCount = dropped;
  if (droppedEvents > 0) span.droppedEventsCount = droppedEvents;
  if (droppedLinks > 0) span.droppedLinksCount = droppedLinks;
  fixClockSkew(span);
  return span;
}
