import type { Attributes, AttributeValue } from '@faultline/model';
import { utf8CutPoint } from './byte-text.js';

/** Most attributes kept per span, event, link, log record or resource; the rest are dropped and counted. */
export const MAX_ATTRIBUTES = 1024;

/**
 * Most events kept per span (the OTel SDKs' own default span limit); the rest are skipped unread and
 * counted in `droppedEventsCount`. One 18 MB body once held a span with 9 million empty events.
 */
export const MAX_EVENTS_PER_SPAN = 128;

/** Most links kept per span (the OTel SDKs' default); the rest are counted in `droppedLinksCount`. */
export const MAX_LINKS_PER_SPAN = 128;

/**
 * Most items (spans, their kept events and links, log records) one request may hold; decoding stops
 * with an {@link OtlpTooManyItemsError} past it, before the rest is turned into objects.
 */
export const MAX_ITEMS_PER_REQUEST = 200_000;

/**
 * Most JSON objects and arrays an OTLP/JSON body may hold. JSON.parse builds them all before any item
 * can be counted, and 20 MB of `{},` is 6.5 million objects (700 MiB); a real batch spends at least
 * ~15 bytes per object, so 2 million leaves room for any body under the size limit.
 */
export const MAX_JSON_CONTAINERS = 2_000_000;

/**
 * Longest attribute key kept, in UTF-8 bytes; an attribute with a longer key is dropped and counted.
 * Keys go into a dictionary table: a thousand unique 19 KB keys per request once grew it to 951 MB.
 */
export const MAX_KEY_BYTES = 256;

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

/** True when a key is longer than {@link MAX_KEY_BYTES} in UTF-8 (its attribute is dropped and counted). */
export function isKeyTooLong(key: string): boolean {
  // One UTF-16 code unit is 1 to 3 UTF-8 bytes: only keys between the two bounds need encoding.
  if (key.length <= MAX_KEY_BYTES / 3) return false;
  if (key.length > MAX_KEY_BYTES) return true;
  return utf8Encoder.encode(key).length > MAX_KEY_BYTES;
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
