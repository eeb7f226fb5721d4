export { OtlpDecodeError } from './decode-error.js';
export type { DecodedLogs, DecodedTraces } from './decoded-batch.js';
export {
  encodeLogsResponseProtobuf,
  encodeTracesResponseProtobuf,
  logsResponseJson,
  tracesResponseJson,
} from './export-response.js';
export { OtlpTooManyItemsError } from './item-budget.js';
export { encodeLogsJson, encodeTracesJson } from './json-encode.js';
export { decodeLogsJson } from './json-logs.js';
export { decodeTracesJson } from './json-traces.js';
export { decodeLogsProtobuf } from './protobuf-logs.js';
export { decodeTracesProtobuf } from './protobuf-traces.js';
export { CLOCK_SKEW_ATTRIBUTE } from './span-fixups.js';
export {
  MAX_ATTRIBUTES,
  MAX_EVENTS_PER_SPAN,
  MAX_ITEMS_PER_REQUEST,
  MAX_KEY_BYTES,
  MAX_LINKS_PER_SPAN,
  MAX_STRING_BYTES,
  MAX_VALUE_DEPTH,
  NESTED_TOO_DEEP,
} from './value-limits.js';
