// ExportLogsServiceRequest (opentelemetry/proto/collector/logs/v1/logs_service.proto) and the
// messages of opentelemetry/proto/logs/v1/logs.proto, decoded in one pass into model log records.
import type { Attributes, AttributeValue, LogRecord } from '@faultline/model';
import type { DecodedLogs } from './decoded-batch.js';
import { isAllZeroId, SPAN_ID_BYTES, TRACE_ID_BYTES } from './ids.js';
import { ItemBudget } from './item-budget.js';
import type { Scope } from './protobuf-common.js';
import { readAnyValue, readAttribute, readResourceInto, readScope } from './protobuf-common.js';
import { refuseJsonAsProtobuf } from './protobuf-json-guard.js';
import { FIXED64, LENGTH_DELIMITED, ProtobufReader, tagOf, VARINT } from './protobuf-reader.js';
import type { ScopeLabel } from './rejections.js';
import { Rejections } from './rejections.js';
import { serviceNameOf } from './span-fixups.js';
import { timeProblem } from './times.js';

const REQUEST_RESOURCE_LOGS = tagOf(1, LENGTH_DELIMITED);
const RESOURCE_LOGS_RESOURCE = tagOf(1, LENGTH_DELIMITED);
const RESOURCE_LOGS_SCOPE_LOGS = tagOf(2, LENGTH_DELIMITED);
const SCOPE_LOGS_SCOPE = tagOf(1, LENGTH_DELIMITED);
const SCOPE_LOGS_LOG_RECORDS = tagOf(2, LENGTH_DELIMITED);
const LOG_TIME = tagOf(1, FIXED64);
const LOG_SEVERITY_NUMBER = tagOf(2, VARINT);
const LOG_SEVERITY_TEXT = tagOf(3, LENGTH_DELIMITED);
const LOG_BODY = tagOf(5, LENGTH_DELIMITED);
const LOG_ATTRIBUTES = tagOf(6, LENGTH_DELIMITED);
const LOG_DROPPED_ATTRIBUTES = tagOf(7, VARINT);
const LOG_TRACE_ID = tagOf(9, LENGTH_DELIMITED);
const LOG_SPAN_ID = tagOf(10, LENGTH_DELIMITED);
const LOG_OBSERVED_TIME = tagOf(11, FIXED64);

/**
 * Decodes a binary protobuf ExportLogsServiceRequest; an empty body is a valid request with no logs.
 * Throws OtlpTooManyItemsError past `maxItems` log records.
 */
export function decodeLogsProtobuf(body: Uint8Array, maxItems?: number): DecodedLogs {
  refuseJsonAsProtobuf(body);
  const r = new ProtobufReader(body);
  const logs: LogRecord[] = [];
  const rejections = new Rejections('log record');
  const budget = new ItemBudget(maxItems);
  const end = body.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === REQUEST_RESOURCE_LOGS) {
      readResourceLogs(r, r.readEnd(end, 1, 'ExportLogsServiceRequest'), logs, rejections, budget);
    } else r.skip(tag, end, 'ExportLogsServiceRequest');
  }
  r.checkEnd(end, 'ExportLogsServiceRequest');
  return { logs, rejectedLogRecords: rejections.count, errorMessage: rejections.message() };
}

function readResourceLogs(
  r: ProtobufReader,
  end: number,
  out: LogRecord[],
  rejections: Rejections,
  budget: ItemBudget,
): void {
  const resource: Attributes = {};
  const first = out.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === RESOURCE_LOGS_SCOPE_LOGS) {
      readScopeLogs(r, r.readEnd(end, 2, 'ResourceLogs'), resource, out, rejections, budget);
    } else if (tag === RESOURCE_LOGS_RESOURCE) {
      readResourceInto(r, r.readEnd(end, 1, 'ResourceLogs'), resource);
    } else r.skip(tag, end, 'ResourceLogs');
  }
  r.checkEnd(end, 'ResourceLogs');
  const service = serviceNameOf(resource);
  for (let i = first; i < out.length; i++) out[i]!.service = service;
}

function readScopeLogs(
  r: ProtobufReader,
  end: number,
  resource: Attributes,
  out: LogRecord[],
  rejections: Rejections,
  budget: ItemBudget,
): void {
  const label: ScopeLabel = { name: '' };
  let scope: Scope | undefined;
  let ordinal = 0;
  const first = out.length;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === SCOPE_LOGS_LOG_RECORDS) {
      ordinal++;
      const log = readLogRecord(r, r.readEnd(end, 2, 'ScopeLogs'), resource, ordinal, label, rejections);
      if (log !== null) {
        budget.spend(1);
        if (scope !== undefined) log.scope = scope;
        out.push(log);
      }
    } else if (tag === SCOPE_LOGS_SCOPE) {
      scope = readScope(r, r.readEnd(end, 1, 'ScopeLogs'));
      label.name = scope.name;
      for (let i = first; i < out.length; i++) out[i]!.scope = scope;
    } else r.skip(tag, end, 'ScopeLogs');
  }
  r.checkEnd(end, 'ScopeLogs');
}

function readLogRecord(
  r: ProtobufReader,
  end: number,
  resource: Attributes,
  ordinal: number,
  scopeLabel: ScopeLabel,
  rejections: Rejections,
): LogRecord | null {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AttributeValue = null;
  const attributes: Attributes = {};
  let attributeCount = 0;
  let dropped = 0;
  let traceId: string | null = null;
  let spanId: string | null = null;
  let problem = '';
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case LOG_TIME:
        timeUnixNano = r.readFixed64();
        break;
      case LOG_OBSERVED_TIME:
        observedTimeUnixNano = r.readFixed64();
        break;
      case LOG_SEVERITY_NUMBER:
        severityNumber = r.readVarint();
        break;
      case LOG_SEVERITY_TEXT:
        severityText = r.readString(end, 3, 'LogRecord');
        break;
      case LOG_BODY:
        r.nestedTooDeep = false;
        body = readAnyValue(r, r.readEnd(end, 5, 'LogRecord'), 1);
        if (r.nestedTooDeep) dropped++;
        break;
      case LOG_ATTRIBUTES:
        dropped += readAttribute(r, end, 6, 'LogRecord', attributes, attributeCount++);
        break;
      case LOG_DROPPED_ATTRIBUTES:
        dropped += r.readVarint() >>> 0;
        break;
      case LOG_TRACE_ID:
      case LOG_SPAN_ID: {
        const isTrace = tag === LOG_TRACE_ID;
        const idEnd = r.readEnd(end, tag >>> 3, 'LogRecord');
        const bytes = idEnd - r.pos;
        const expected = isTrace ? TRACE_ID_BYTES : SPAN_ID_BYTES;
        // Empty or all-zero ids mean "not in a span": the record is kept, uncorrelated.
        let hex: string | null = null;
        if (bytes === expected) {
          hex = r.text.hex(r.pos, idEnd);
          if (isAllZeroId(hex)) hex = null;
        } else if (bytes !== 0) {
          problem ||= `${isTrace ? 'trace id' : 'span id'} must be ${expected} bytes, got ${bytes}`;
        }
        if (isTrace) traceId = hex;
        else spanId = hex;
        r.pos = idEnd;
        break;
      }
      default:
        r.skip(tag, end, 'LogRecord');
    }
  }
  r.checkEnd(end, 'LogRecord');
  problem ||= timeProblem('time', timeUnixNano) || timeProblem('observed time', observedTimeUnixNano);
  if (problem !== '') {
    rejections.add(ordinal, '', scopeLabel, problem);
    return null;
  }
  const log: LogRecord = {
    traceId,
    spanId,
    service: '',
    // OTLP: time_unix_nano 0 means unknown; the collector's observed time stands in for it.
    timeUnixNano: timeUnixNano === 0n ? observedTimeUnixNano : timeUnixNano,
    observedTimeUnixNano,
    severityNumber: severityNumber <= 0x7fffffff ? severityNumber : 0,
    severityText,
    body,
    attributes,
    resource,
  };
  if (dropped > 0) log.droppedAttributesCount = dropped;
  return log;
}
