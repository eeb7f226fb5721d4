// Span.Event, Span.Link and Status of opentelemetry/proto/trace/v1/trace.proto.
import type { Attributes, SpanEvent, SpanLink, SpanStatus } from '@faultline/model';
import { STATUS_CODE_NAMES } from '@faultline/model';
import { isAllZeroId, SPAN_ID_BYTES, TRACE_ID_BYTES } from './ids.js';
import { readAttribute } from './protobuf-common.js';
import type { ProtobufReader } from './protobuf-reader.js';
import { FIXED64, LENGTH_DELIMITED, tagOf, VARINT } from './protobuf-reader.js';

const EVENT_TIME = tagOf(1, FIXED64);
const EVENT_NAME = tagOf(2, LENGTH_DELIMITED);
const EVENT_ATTRIBUTES = tagOf(3, LENGTH_DELIMITED);
const EVENT_DROPPED_ATTRIBUTES = tagOf(4, VARINT);
const LINK_TRACE_ID = tagOf(1, LENGTH_DELIMITED);
const LINK_SPAN_ID = tagOf(2, LENGTH_DELIMITED);
const LINK_ATTRIBUTES = tagOf(4, LENGTH_DELIMITED);
const LINK_DROPPED_ATTRIBUTES = tagOf(5, VARINT);
const STATUS_MESSAGE = tagOf(2, LENGTH_DELIMITED);
const STATUS_CODE = tagOf(3, VARINT);

/** Reads a Span.Event. */
export function readEvent(r: ProtobufReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: Attributes = {};
  let attributeCount = 0;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === EVENT_ATTRIBUTES)
      dropped += readAttribute(r, end, 3, 'Span.Event', attributes, attributeCount++);
    else if (tag === EVENT_TIME) timeUnixNano = r.readFixed64();
    else if (tag === EVENT_NAME) name = r.readString(end, 2, 'Span.Event');
    else if (tag === EVENT_DROPPED_ATTRIBUTES) dropped += r.readVarint() >>> 0;
    else r.skip(tag, end, 'Span.Event');
  }
  r.checkEnd(end, 'Span.Event');
  const event: SpanEvent = { name, timeUnixNano, attributes };
  if (dropped > 0) event.droppedAttributesCount = dropped;
  return event;
}

/** Reads a Span.Link; null when its ids are malformed (it points nowhere: the span itself is kept). */
export function readLink(r: ProtobufReader, end: number): SpanLink | null {
  let traceId = '';
  let spanId = '';
  const attributes: Attributes = {};
  let attributeCount = 0;
  let dropped = 0;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === LINK_TRACE_ID || tag === LINK_SPAN_ID) {
      const idEnd = r.readEnd(end, tag >>> 3, 'Span.Link');
      const expected = tag === LINK_TRACE_ID ? TRACE_ID_BYTES : SPAN_ID_BYTES;
      const hex = idEnd - r.pos === expected ? r.text.hex(r.pos, idEnd) : '';
      if (tag === LINK_TRACE_ID) traceId = hex;
      else spanId = hex;
      r.pos = idEnd;
    } else if (tag === LINK_ATTRIBUTES) {
      dropped += readAttribute(r, end, 4, 'Span.Link', attributes, attributeCount++);
    } else if (tag === LINK_DROPPED_ATTRIBUTES) dropped += r.readVarint() >>> 0;
    else r.skip(tag, end, 'Span.Link');
  }
  r.checkEnd(end, 'Span.Link');
  if (traceId === '' || spanId === '' || isAllZeroId(traceId) || isAllZeroId(spanId)) return null;
  const link: SpanLink = { traceId, spanId, attributes };
  if (dropped > 0) link.droppedAttributesCount = dropped;
  return link;
}

/** Reads a Status; an empty message is left out. */
export function readStatus(r: ProtobufReader, end: number): SpanStatus {
  let code = 0;
  let message = '';
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === STATUS_CODE) code = r.readVarint();
    else if (tag === STATUS_MESSAGE) message = r.readString(end, 2, 'Status');
    else r.skip(tag, end, 'Status');
  }
  r.checkEnd(end, 'Status');
  const status: SpanStatus = { code: code < STATUS_CODE_NAMES.length ? STATUS_CODE_NAMES[code]! : 'UNSET' };
  if (message !== '') status.message = message;
  return status;
}
