// AnyValue, KeyValue and attribute lists of opentelemetry/proto/common/v1/common.proto in their
// OTLP/JSON form, e.g. { "key": "http.route", "value": { "stringValue": "/users/:id" } }.
import type { Attributes, AttributeValue } from '@faultline/model';
import type { JsonObject } from './json-fields.js';
import {
  arrayField,
  field,
  isJsonObject,
  objectElement,
  objectField,
  pathOf,
  stringField,
  uint32Field,
  wrongType,
} from './json-fields.js';
import {
  doubleValue,
  int64Value,
  isKeyTooLong,
  limitString,
  MAX_ATTRIBUTES,
  MAX_VALUE_DEPTH,
  NESTED_TOO_DEEP,
  setAttribute,
} from './value-limits.js';

const INT_DIGITS = /^-?\d+$/;
const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity']);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Reads OTLP/JSON values into plain JS values, applying the nesting, size and count limits. */
export class JsonValueReader {
  /** Set when a value was nested too deep and replaced; the attribute it is in counts as dropped. */
  nestedTooDeep = false;

  /**
   * Reads `owner.attributes` (with `owner.droppedAttributesCount`) into `into`; returns the
   * attributes dropped, counting the sender's own count, the cap and values nested too deep.
   */
  attributes(owner: JsonObject, path: string, into: Attributes): number {
    const list = arrayField(owner, 'attributes', 'attributes', path);
    const listPath = pathOf(path, 'attributes');
    const kept = Math.min(list.length, MAX_ATTRIBUTES);
    let dropped = list.length - kept;
    for (let i = 0; i < kept; i++) {
      this.nestedTooDeep = false;
      const added = this.keyValue(objectElement(list, i, listPath), `${listPath}[${i}]`, into, 1);
      if (!added || this.nestedTooDeep) dropped++;
    }
    return dropped + uint32Field(owner, 'droppedAttributesCount', 'dropped_attributes_count', path);
  }

  /** Reads an AnyValue; `depth` is 1 for an attribute's own value. Unset or empty is null. */
  anyValue(value: unknown, path: string, depth: number): AttributeValue {
    if (value === undefined || value === null) return null;
    if (!isJsonObject(value)) return wrongType(path, 'an AnyValue object', value);
    let v = field(value, 'stringValue', 'string_value');
    if (v !== undefined) {
      if (typeof v !== 'string') wrongType(pathOf(path, 'stringValue'), 'a string', v);
      return limitString(v);
    }
    v = field(value, 'boolValue', 'bool_value');
    if (v !== undefined) {
      if (typeof v !== 'boolean') wrongType(pathOf(path, 'boolValue'), 'true or false', v);
      return v;
    }
    v = field(value, 'intValue', 'int_value');
    if (v !== undefined) return intValue(v, pathOf(path, 'intValue'));
    v = field(value, 'doubleValue', 'double_value');
    if (v !== undefined) return floatValue(v, pathOf(path, 'doubleValue'));
    v = field(value, 'bytesValue', 'bytes_value');
    if (v !== undefined) {
      // Bytes stay in the base64 the JSON mapping carries them in (what the model keeps anyway).
      if (typeof v !== 'string') wrongType(pathOf(path, 'bytesValue'), 'a base64 string', v);
      return limitString(v);
    }
    const array = objectField(value, 'arrayValue', 'array_value', path);
    if (array !== null) {
      if (depth >= MAX_VALUE_DEPTH) return this.tooDeep();
      return this.arrayValue(array, pathOf(path, 'arrayValue'), depth + 1);
    }
    const kvlist = objectField(value, 'kvlistValue', 'kvlist_value', path);
    if (kvlist !== null) {
      if (depth >= MAX_VALUE_DEPTH) return this.tooDeep();
      return this.kvlistValue(kvlist, pathOf(path, 'kvlistValue'), depth + 1);
    }
    return null;
  }

  // Nothing below this level is looked at, so a 10,000-deep value costs no more than a 32-deep one.
  private tooDeep(): string {
    this.nestedTooDeep = true;
    return NESTED_TOO_DEEP;
  }

  private arrayValue(array: JsonObject, path: string, depth: number): AttributeValue[] {
    const list = arrayField(array, 'values', 'values', path);
    const listPath = pathOf(path, 'values');
    const out: AttributeValue[] = new Array(list.length);
    for (let i = 0; i < list.length; i++) out[i] = this.anyValue(list[i], `${listPath}[${i}]`, depth);
    return out;
  }

  private kvlistValue(kvlist: JsonObject, path: string, depth: number): Attributes {
    const list = arrayField(kvlist, 'values', 'values', path);
    const listPath = pathOf(path, 'values');
    const out: Attributes = {};
    for (let i = 0; i < list.length; i++) {
      // A nested key over the limit leaves its entry out; the attribute holding it counts as dropped.
      if (!this.keyValue(objectElement(list, i, listPath), `${listPath}[${i}]`, out, depth))
        this.nestedTooDeep = true;
    }
    return out;
  }

  /** Reads a KeyValue into `into`; false when its key is over MAX_KEY_BYTES and it was left out. */
  private keyValue(keyValue: JsonObject, path: string, into: Attributes, depth: number): boolean {
    const key = stringField(keyValue, 'key', 'key', path);
    if (isKeyTooLong(key)) return false;
    setAttribute(into, key, this.anyValue(field(keyValue, 'value', 'value'), pathOf(path, 'value'), depth));
    return true;
  }
}

function intValue(value: unknown, path: string): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? value : BigInt(value).toString();
  }
  if (typeof value === 'string' && INT_DIGITS.test(value)) {
    const parsed = BigInt(value);
    if (parsed >= INT64_MIN && parsed <= INT64_MAX) return int64Value(parsed);
  }
  return wrongType(path, 'a 64-bit integer (a decimal string or a number)', value);
}

function floatValue(value: unknown, path: string): number | string {
  if (typeof value === 'number') return value;
  // The proto3 JSON mapping writes NaN and the infinities as strings; other numbers may be quoted too.
  if (typeof value === 'string') {
    if (NON_FINITE.has(value)) return value;
    const parsed = Number(value);
    if (value.trim() !== '' && !Number.isNaN(parsed)) return doubleValue(parsed);
  }
  return wrongType(path, 'a number', value);
}
