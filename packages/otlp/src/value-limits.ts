import type { Attributes, AttributeValue } from '@faultline/model';
import { utf8CutPoint } from './byte-text.js';

/** Most attributes kept per span, event, link, log record or resource; the rest are dropped and counted. */
export const MAX_ATTRIBUTES = 1024;

/**
 * Deepest AnyValue nesting kept: an attribute's value is level 1, the elements of an array it holds
 * level 2, and so on. An array or key-value list at this level becomes {@link NESTED_TOO_DEEP}.
 */
export const MAX_VALUE_DEPTH = 32;

/** What an array or key-value list nested deeper than {@link MAX_VALUE_DEPTH} becomes. */
export const NESTED_TOO_DEEP = '[nested too deep]';

/** Longest string value kept, in UTF-8 bytes (one stack trace fits; a 1 MB blob does not). */
export const MAX_STRING_BYTES = 64 * 1024;

/** What replaces the tail of a string longer than {@link MAX_STRING_BYTES}. */
export function truncationMarker(droppedBytes: number): string {
  return `…[truncated ${droppedBytes} bytes]`;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** A JS string cut to {@link MAX_STRING_BYTES} UTF-8 bytes, with the marker saying how much went. */
export function limitString(value: string): string {
  // One UTF-16 code unit is at most 3 UTF-8 bytes, so shorter strings cannot be over the limit.
  if (value.length <= MAX_STRING_BYTES / 3) return value;
  const bytes = utf8Encoder.encode(value);
  if (bytes.length <= MAX_STRING_BYTES) return value;
  const cut = utf8CutPoint(bytes, MAX_STRING_BYTES);
  return utf8Decoder.decode(bytes.subarray(0, cut)) + truncationMarker(bytes.length - cut);
}

/** A double as an attribute value: NaN and ±Infinity become strings so JSON output stays valid. */
export function doubleValue(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/** A 64-bit integer as an attribute value: a number when it is exact as one, else its decimal string. */
export function int64Value(value: bigint): number | string {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString();
}

/**
 * Sets one attribute. A key named `__proto__` becomes an own property instead of replacing the
 * object's prototype (a sender controls the keys).
 */
export function setAttribute(attributes: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attributes, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attributes[key] = value;
  }
}
