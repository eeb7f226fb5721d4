// ExportLogsServiceRequest in OTLP/JSON (opentelemetry-proto docs/specification.md, "JSON Protobuf
// Encoding"; field names from logs/v1/logs.proto in lowerCamelCase), walked into model log records.
import type { Attributes, LogRecord } from '@faultline/model';
import type { DecodedLogs } from './decoded-batch.js';
import { hexIdProblem, SPAN_ID_BYTES, TRACE_ID_BYTES } from './ids.js';
import { ItemBudget } from './item-budget.js';
import type { JsonObject } from './json-fields.js';
import {
  arrayField,
  enumField,
  field,
  objectElement,
  parseJsonRequest,
  pathOf,
  stringField,
  uint64Field,
} from './json-fields.js';
import { jsonResource, jsonScope } from './json-resource-scope.js';
import { JsonValueReader } from './json-values.js';
import type { Scope } from './protobuf-common.js';
import { Rejections } from './rejections.js';
import { serviceNameOf } from './span-fixups.js';
import { timeProblem } from './times.js';

const SEVERITY_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
// SEVERITY_NUMBER_UNSPECIFIED = 0, then TRACE, TRACE2..4, DEBUG, DEBUG2..4, … FATAL4 = 24.
const SEVERITY_ENUM_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...SEVERITY_LEVELS.flatMap((level) =>
    ['', '2', '3', '4'].map((suffix) => `SEVERITY_NUMBER_${level}${suffix}`),
  ),
];

/**
 * Decodes an OTLP/JSON ExportLogsServiceRequest; `{}` is a valid request with no log records. Throws
 * OtlpTooManyItemsError past `maxItems` log records.
 */
export function decodeLogsJson(body: string, maxItems?: number): DecodedLogs {
  const request = parseJsonRequest(body, 'ExportLogsServiceRequest');
  const values = new JsonValueReader();
  const logs: LogRecord[] = [];
  const rejections = new Rejections('log record');
  const budget = new ItemBudget(maxItems);
  const resourceLogsList = arrayField(request, 'resourceLogs', 'resource_logs', '');
  for (let i = 0; i < resourceLogsList.length; i++) {
    const resourceLogs = objectElement(resourceLogsList, i, 'resourceLogs');
    const path = `resourceLogs[${i}]`;
    const resource = jsonResource(resourceLogs, path, values);
    const service = serviceNameOf(resource);
    const scopeLogsList = arrayField(resourceLogs, 'scopeLogs', 'scope_logs', path);
    for (let j = 0; j < scopeLogsList.length; j++) {
      const scopeLogs = objectElement(scopeLogsList, j, pathOf(path, 'scopeLogs'));
      const scopePath = `${path}.scopeLogs[${j}]`;
      const scope = jsonScope(scopeLogs, scopePath);
      const label = { name: scope?.name ?? '' };
      const recordList = arrayField(scopeLogs, 'logRecords', 'log_records', scopePath);
      for (let k = 0; k < recordList.length; k++) {
        const message = objectElement(recordList, k, pathOf(scopePath, 'logRecords'));
        const traceId = optionalHexId(message, 'traceId', 'trace_id', 'trace id', TRACE_ID_BYTES);
        const spanId = optionalHexId(message, 'spanId', 'span_id', 'span id', SPAN_ID_BYTES);
        const recordPath = `${scopePath}.logRecords[${k}]`;
        const times = {
          time: uint64Field(message, 'timeUnixNano', 'time_unix_nano', recordPath),
          observed: uint64Field(message, 'observedTimeUnixNano', 'observed_time_unix_nano', recordPath),
        };
        const problem =
          traceId.problem ||
          spanId.problem ||
          timeProblem('time', times.time) ||
          timeProblem('observed time', times.observed);
        if (problem !== '') {
          rejections.add(k + 1, '', label, problem);
          continue;
        }
        budget.spend(1);
        logs.push(
          readLogRecord(
            message,
            recordPath,
            times,
            traceId.hex,
            spanId.hex,
            resource,
            service,
            scope,
            values,
          ),
        );
      }
    }
  }
  return { logs, rejectedLogRecords: rejections.count, errorMessage: rejections.message() };
}

// A log record need not be in a span: an absent, empty or all-zero id is null, not a rejection.
function optionalHexId(
  message: JsonObject,
  camel: string,
  snake: string,
  label: string,
  bytes: number,
): { hex: string | null; problem: string } {
  const value = field(message, camel, snake);
  if (value === undefined || value === '') return { hex: null, problem: '' };
  const problem = hexIdProblem(label, value, bytes);
  if (problem.endsWith('all zeros')) return { hex: null, problem: '' };
  return problem === '' ? { hex: (value as string).toLowerCase(), problem } : { hex: null, problem };
}

function readLogRecord(
  message: JsonObject,
  path: string,
  times: { time: bigint; observed: bigint },
  traceId: string | null,
  spanId: string | null,
  resource: Attributes,
  service: string,
  scope: Scope | undefined,
  values: JsonValueReader,
): LogRecord {
  const attributes: Attributes = {};
  let dropped = values.attributes(message, path, attributes);
  values.nestedTooDeep = false;
  const body = values.anyValue(field(message, 'body', 'body'), pathOf(path, 'body'), 1);
  if (values.nestedTooDeep) dropped++;
  const { time: timeUnixNano, observed: observedTimeUnixNano } = times;
  const log: LogRecord = {
    traceId,
    spanId,
    service,
    // OTLP: time_unix_nano 0 means unknown; the collector's observed time stands in for it.
    timeUnixNano: timeUnixNano === 0n ? observedTimeUnixNano : timeUnixNano,
    observedTimeUnixNano,
    severityNumber: enumField(message, 'severityNumber', 'severity_number', path, SEVERITY_ENUM_NAMES),
    severityText: stringField(message, 'severityText', 'severity_text', path),
    body,
    attributes,
    resource,
  };
  if (scope !== undefined) log.scope = scope;
  if (dropped > 0) log.droppedAttributesCount = dropped;
  return log;
}
