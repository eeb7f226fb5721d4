// Defensive readers for OTLP/JSON (the proto3 JSON mapping with OTLP's deviations, see
// opentelemetry-proto docs/specification.md "JSON Protobuf Encoding"): lowerCamelCase keys, with the
// original snake_case names also accepted as the proto3 mapping allows; `null` means "not set";
// 64-bit integers as decimal strings or numbers; enums as integers (names accepted too). A value of
// the wrong type is an OtlpDecodeError naming the field by its path in the body.
import { OtlpDecodeError } from './decode-error.js';
import { MAX_JSON_CONTAINERS } from './value-limits.js';

/** A JSON object as JSON.parse returns it. */
export type JsonObject = { readonly [key: string]: unknown };

const NONE: readonly unknown[] = [];
const UINT_DIGITS = /^\d+$/;

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Words a JSON value's type for an error message. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The path of a field below `path` (the empty path is the body itself). */
export function pathOf(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Throws the OtlpDecodeError for a field holding the wrong type of value. */
export function wrongType(path: string, expected: string, value: unknown): never {
  throw new OtlpDecodeError(`OTLP/JSON: ${path} must be ${expected}, got ${describeJson(value)}`);
}

/** Parses a body that must hold one JSON object (the request message named `messageName`). */
export function parseJsonRequest(body: string, messageName: string): JsonObject {
  if (body.trim() === '') throw new OtlpDecodeError('empty body: an OTLP/JSON request is at least "{}"');
  refuseTooManyContainers(body);
  let parsed: unknown;
  try {
    // A UTF-8 byte-order mark is harmless; JSON.parse would reject it.
    parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isJsonObject(parsed)) wrongType('the body', `a JSON object (an ${messageName})`, parsed);
  return parsed;
}

/** Refuses, before JSON.parse builds them, a body of more than MAX_JSON_CONTAINERS objects and arrays. */
function refuseTooManyContainers(body: string): void {
  // Braces inside strings count too: an over-estimate, which only a body of mostly braces reaches.
  let containers = 0;
  for (let i = 0; i < body.length; i++) {
    const code = body.charCodeAt(i);
    if (code === 123 || code === 91) containers++; // { [
  }
  if (containers > MAX_JSON_CONTAINERS) {
    throw new OtlpDecodeError(
      `the request holds more than ${MAX_JSON_CONTAINERS} JSON objects and arrays; send smaller batches`,
    );
  }
}

/** A field by its lowerCamelCase name, else its snake_case one; undefined when unset or null. */
export function field(obj: JsonObject, camel: string, snake: string): unknown {
  const value = obj[camel];
  if (value !== undefined && value !== null) return value;
  const original = obj[snake];
  return original === null ? undefined : original;
}

/** An object-valued field, or null when unset. */
export function objectField(obj: JsonObject, camel: string, snake: string, path: string): JsonObject | null {
  const value = field(obj, camel, snake);
  if (value === undefined) return null;
  if (!isJsonObject(value)) wrongType(pathOf(path, camel), 'an object', value);
  return value;
}

/** A repeated field (an array), empty when unset. */
export function arrayField(obj: JsonObject, camel: string, snake: string, path: string): readonly unknown[] {
  const value = field(obj, camel, snake);
  if (value === undefined) return NONE;
  if (!Array.isArray(value)) wrongType(pathOf(path, camel), 'an array', value);
  return value;
}

/** An element of a repeated message field, which must be an object. */
export function objectElement(list: readonly unknown[], index: number, path: string): JsonObject {
  const value = list[index];
  if (!isJsonObject(value)) wrongType(`${path}[${index}]`, 'an object', value);
  return value;
}

/** A string field, '' when unset. */
export function stringField(obj: JsonObject, camel: string, snake: string, path: string): string {
  const value = field(obj, camel, snake);
  if (value === undefined) return '';
  if (typeof value !== 'string') wrongType(pathOf(path, camel), 'a string', value);
  return value;
}

/** A fixed64/uint64 field (nanosecond times) as a bigint, 0n when unset. */
export function uint64Field(obj: JsonObject, camel: string, snake: string, path: string): bigint {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0n;
  if (typeof value === 'string' && UINT_DIGITS.test(value)) {
    const parsed = BigInt(value);
    if (parsed <= 0xffffffffffffffffn) return parsed;
  } else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return BigInt(value);
  }
  return wrongType(pathOf(path, camel), 'an unsigned 64-bit integer (a decimal string or a number)', value);
}

/** A uint32 field (counts), 0 when unset. */
export function uint32Field(obj: JsonObject, camel: string, snake: string, path: string): number {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0;
  const number = typeof value === 'string' && UINT_DIGITS.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 0xffffffff)
    return number;
  return wrongType(pathOf(path, camel), 'an unsigned 32-bit integer', value);
}

/**
 * An enum field as its integer value, 0 when unset. OTLP/JSON sends integers; the proto3 names
 * (`names[i]` is the name of value i) are accepted too, as a lenient receiver should.
 */
export function enumField(
  obj: JsonObject,
  camel: string,
  snake: string,
  path: string,
  names: readonly string[],
): number {
  const value = field(obj, camel, snake);
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const index = names.indexOf(value);
    if (index >= 0) return index;
    if (/^-?\d+$/.test(value)) return Number(value);
  }
  return wrongType(pathOf(path, camel), `an integer or one of ${names[0]}…${names[names.length - 1]}`, value);
}
