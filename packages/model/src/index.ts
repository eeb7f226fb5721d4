export {
  DB_NAMESPACE,
  DB_OPERATION,
  DB_QUERY_TEXT,
  DB_RESPONSE_STATUS_CODE,
  DB_SYSTEM,
  DEPLOYMENT_ENVIRONMENT,
  ERROR_TYPE,
  EXCEPTION_EVENT_NAME,
  EXCEPTION_MESSAGE,
  EXCEPTION_STACKTRACE,
  EXCEPTION_TYPE,
  HTTP_REQUEST_METHOD,
  HTTP_RESPONSE_STATUS_CODE,
  HTTP_ROUTE,
  httpStatusCodeOf,
  NETWORK_PEER_ADDRESS,
  readAttribute,
  readInteger,
  readString,
  SERVER_ADDRESS,
  SERVER_PORT,
  SERVICE_NAME,
  SERVICE_VERSION,
  URL_FULL,
  URL_PATH,
} from './semconv.js';
export type {
  Attributes,
  AttributeValue,
  LogRecord,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
  StatusCode,
} from './span.js';
export { durationMsBetween, SPAN_KIND_NAMES, STATUS_CODE_NAMES, UNKNOWN_SERVICE } from './span.js';
export type {
  SpanOutline,
  TraceOutline,
  WireOutlineColumns,
  WireTraceOutline,
} from './trace-outline.js';
export {
  fromWireOutline,
  OUTLINE_FLAG_EXCEPTION,
  OUTLINE_FLAG_FAILED,
  toWireOutline,
} from './trace-outline.js';
export type { WireLogRecord, WireSpan, WireSpanEvent } from './wire.js';
export { fromWireLogRecord, fromWireSpan, toWireLogRecord, toWireSpan } from './wire.js';
