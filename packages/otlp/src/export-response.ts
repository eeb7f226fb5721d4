// ExportTraceServiceResponse / ExportLogsServiceResponse
// (opentelemetry/proto/collector/{trace,logs}/v1/*_service.proto): one optional field 1,
// partial_success { int64 rejected_<items> = 1; string error_message = 2; }. Per the OTLP spec a full
// success leaves partial_success unset, which is an empty message: zero bytes, or `{}` in JSON.

const utf8Encoder = new TextEncoder();

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

function encodePartialSuccess(rejected: number, errorMessage: string): Uint8Array {
  if (rejected <= 0 && errorMessage === '') return new Uint8Array(0);
  const count = rejected > 0 ? [0x08, ...varintBytes(rejected)] : []; // field 1, varint
  const text = utf8Encoder.encode(errorMessage);
  const textHead = text.length > 0 ? [0x12, ...varintBytes(text.length)] : []; // field 2, length-delimited
  const innerLength = count.length + textHead.length + text.length;
  const head = [0x0a, ...varintBytes(innerLength)]; // partial_success, field 1 of the response
  const out = new Uint8Array(head.length + innerLength);
  out.set(head, 0);
  out.set(count, head.length);
  out.set(textHead, head.length + count.length);
  out.set(text, head.length + count.length + textHead.length);
  return out;
}

function partialSuccessJson(countKey: string, rejected: number, errorMessage: string): object {
  if (rejected <= 0 && errorMessage === '') return {};
  const partialSuccess: Record<string, string> = {};
  // The protobuf JSON mapping writes int64 as a decimal string and leaves default values out.
  if (rejected > 0) partialSuccess[countKey] = String(rejected);
  if (errorMessage !== '') partialSuccess['errorMessage'] = errorMessage;
  return { partialSuccess };
}

/** Encodes an ExportTraceServiceResponse; the empty message when nothing was rejected. */
export function encodeTracesResponseProtobuf(r: { rejectedSpans: number; errorMessage: string }): Uint8Array {
  return encodePartialSuccess(r.rejectedSpans, r.errorMessage);
}

/** Encodes an ExportLogsServiceResponse; the empty message when nothing was rejected. */
export function encodeLogsResponseProtobuf(r: {
  rejectedLogRecords: number;
  errorMessage: string;
}): Uint8Array {
  return encodePartialSuccess(r.rejectedLogRecords, r.errorMessage);
}

/** An ExportTraceServiceResponse as OTLP/JSON: `{}` or `{ partialSuccess: { rejectedSpans: "N", errorMessage } }`. */
export function tracesResponseJson(r: { rejectedSpans: number; errorMessage: string }): object {
  return partialSuccessJson('rejectedSpans', r.rejectedSpans, r.errorMessage);
}

/** An ExportLogsServiceResponse as OTLP/JSON: `{}` or `{ partialSuccess: { rejectedLogRecords: "N", errorMessage } }`. */
export function logsResponseJson(r: { rejectedLogRecords: number; errorMessage: string }): object {
  return partialSuccessJson('rejectedLogRecords', r.rejectedLogRecords, r.errorMessage);
}
