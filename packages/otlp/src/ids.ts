// Trace and span ids per the OTLP spec (opentelemetry/proto/trace/v1/trace.proto): a trace id is 16
// bytes, a span id 8, and an all-zero id is invalid. OTLP/JSON carries them as case-insensitive hex
// (docs/specification.md, "JSON Protobuf Encoding"), never base64.

/** Bytes in a trace id. */
export const TRACE_ID_BYTES = 16;
/** Bytes in a span id. */
export const SPAN_ID_BYTES = 8;

const ALL_ZERO = /^0+$/;
const ZERO_TRACE_ID = '0'.repeat(TRACE_ID_BYTES * 2);
const ZERO_SPAN_ID = '0'.repeat(SPAN_ID_BYTES * 2);
const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Why a binary id of `byteLength` bytes (hex, when the length is right) is unusable; '' when it is fine. */
export function binaryIdProblem(
  label: string,
  hex: string,
  byteLength: number,
  expectedBytes: number,
): string {
  if (byteLength === 0) return `${label} is missing`;
  if (byteLength !== expectedBytes) return `${label} must be ${expectedBytes} bytes, got ${byteLength}`;
  if (isAllZeroId(hex)) return `${label} is all zeros`;
  return '';
}

/** True when a hex id (of the right length) is all zeros, which OTLP treats as "no id". */
export function isAllZeroId(hex: string): boolean {
  // Plain comparisons for the two usual lengths: this runs three times per span.
  if (hex.length === ZERO_TRACE_ID.length) return hex === ZERO_TRACE_ID;
  if (hex.length === ZERO_SPAN_ID.length) return hex === ZERO_SPAN_ID;
  return ALL_ZERO.test(hex);
}

/**
 * Why an OTLP/JSON id is unusable; '' when it is a hex string of `expectedBytes` bytes (an absent or
 * empty id is reported as missing, and the caller decides whether that is allowed).
 */
export function hexIdProblem(label: string, value: unknown, expectedBytes: number): string {
  if (value === undefined || value === null || value === '') return `${label} is missing`;
  if (typeof value !== 'string') return `${label} must be a hex string, got ${typeof value}`;
  if (!HEX.test(value)) {
    // A common mistake: the protobuf JSON mapping's default for bytes is base64, OTLP/JSON's is hex.
    const hint = looksLikeBase64(value, expectedBytes) ? ' (OTLP/JSON ids are hex, not base64)' : '';
    return `${label} is not hex: ${JSON.stringify(value.slice(0, 40))}${hint}`;
  }
  if (value.length !== expectedBytes * 2) {
    return `${label} must be ${expectedBytes * 2} hex digits, got ${value.length}`;
  }
  if (ALL_ZERO.test(value)) return `${label} is all zeros`;
  return '';
}

// The length base64 gives `bytes` bytes, padded or not, e.g. 24 or 22 characters for a trace id.
function looksLikeBase64(value: string, bytes: number): boolean {
  const padded = Math.ceil(bytes / 3) * 4;
  const unpadded = Math.ceil((bytes * 4) / 3);
  return (value.length === padded || value.length === unpadded) && BASE64.test(value);
}
