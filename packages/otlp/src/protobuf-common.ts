// The messages of opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto
// (https://github.com/open-telemetry/opentelemetry-proto), read straight into plain JS values.
import type { Attributes, AttributeValue } from '@faultline/model';
import type { ProtobufReader } from './protobuf-reader.js';
import { FIXED64, LENGTH_DELIMITED, tagOf, VARINT } from './protobuf-reader.js';
import {
  doubleValue,
  MAX_ATTRIBUTES,
  MAX_KEY_BYTES,
  MAX_STRING_BYTES,
  MAX_VALUE_DEPTH,
  NESTED_TOO_DEEP,
  setAttribute,
  truncationMarker,
} from './value-limits.js';

// AnyValue: a oneof; string_value_strindex (8) belongs to the profiles dictionary and is skipped.
const ANY_STRING = tagOf(1, LENGTH_DELIMITED);
const ANY_BOOL = tagOf(2, VARINT);
const ANY_INT = tagOf(3, VARINT);
const ANY_DOUBLE = tagOf(4, FIXED64);
const ANY_ARRAY = tagOf(5, LENGTH_DELIMITED);
const ANY_KVLIST = tagOf(6, LENGTH_DELIMITED);
const ANY_BYTES = tagOf(7, LENGTH_DELIMITED);
// ArrayValue.values and KeyValueList.values
const LIST_VALUES = tagOf(1, LENGTH_DELIMITED);
const KEY_VALUE_KEY = tagOf(1, LENGTH_DELIMITED);
const KEY_VALUE_VALUE = tagOf(2, LENGTH_DELIMITED);
const RESOURCE_ATTRIBUTES = tagOf(1, LENGTH_DELIMITED);
const SCOPE_NAME = tagOf(1, LENGTH_DELIMITED);
const SCOPE_VERSION = tagOf(2, LENGTH_DELIMITED);

/** An instrumentation scope as the model keeps it. */
export type Scope = { name: string; version?: string };

/** Reads an AnyValue ending at `end`; `depth` is 1 for an attribute's own value. */
export function readAnyValue(r: ProtobufReader, end: number, depth: number): AttributeValue {
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case ANY_STRING:
        value = r.readLimitedString(end, 1, 'AnyValue');
        break;
      case ANY_BOOL:
        value = r.readVarint() !== 0;
        break;
      case ANY_INT:
        value = r.readInt64();
        break;
      case ANY_DOUBLE:
        value = doubleValue(r.readDouble());
        break;
      case ANY_ARRAY:
      case ANY_KVLIST: {
        const valueEnd = r.readEnd(end, tag >>> 3, 'AnyValue');
        if (depth >= MAX_VALUE_DEPTH) {
          // Skipping is a jump: the nested bytes are never walked, however deep they go.
          r.nestedTooDeep = true;
          r.pos = valueEnd;
          value = NESTED_TOO_DEEP;
        } else if (tag === ANY_ARRAY) value = readArrayValue(r, valueEnd, depth + 1);
        else value = readKeyValueList(r, valueEnd, depth + 1);
        break;
      }
      case ANY_BYTES:
        value = readBase64(r, end);
        break;
      default:
        r.skip(tag, end, 'AnyValue');
    }
  }
  r.checkEnd(end, 'AnyValue');
  return value;
}

function readBase64(r: ProtobufReader, parentEnd: number): string {
  const end = r.readEnd(parentEnd, 7, 'AnyValue');
  const start = r.pos;
  r.pos = end;
  // Base64 turns 3 bytes into 4 characters: keep as many whole groups as fit the string limit.
  const keep = Math.floor(MAX_STRING_BYTES / 4) * 3;
  if (end - start <= keep) return r.text.base64(start, end);
  return r.text.base64(start, start + keep) + truncationMarker(end - start - keep);
}

function readArrayValue(r: ProtobufReader, end: number, depth: number): AttributeValue[] {
  const values: AttributeValue[] = [];
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === LIST_VALUES) values.push(readAnyValue(r, r.readEnd(end, 1, 'ArrayValue'), depth));
    else r.skip(tag, end, 'ArrayValue');
  }
  r.checkEnd(end, 'ArrayValue');
  return values;
}

function readKeyValueList(r: ProtobufReader, end: number, depth: number): Attributes {
  const values: Attributes = {};
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === LIST_VALUES) {
      // A nested key over the limit leaves its entry out; the attribute holding it counts as dropped.
      if (!readKeyValue(r, r.readEnd(end, 1, 'KeyValueList'), values, depth)) r.nestedTooDeep = true;
    } else r.skip(tag, end, 'KeyValueList');
  }
  r.checkEnd(end, 'KeyValueList');
  return values;
}

/** Reads a KeyValue into `into`; false when its key is over MAX_KEY_BYTES and it was left out. */
function readKeyValue(r: ProtobufReader, end: number, into: Attributes, depth: number): boolean {
  let key: string | null = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === KEY_VALUE_KEY) key = r.readShortString(end, 1, 'KeyValue', MAX_KEY_BYTES);
    else if (tag === KEY_VALUE_VALUE) value = readAnyValue(r, r.readEnd(end, 2, 'KeyValue'), depth);
    else r.skip(tag, end, 'KeyValue');
  }
  r.checkEnd(end, 'KeyValue');
  if (key === null) return false;
  setAttribute(into, key, value);
  return true;
}

/**
 * Reads one `repeated KeyValue attributes` entry (field `fieldNumber` of `messageName`) into
 * `attributes`, unless `alreadyRead` entries have filled the cap. Returns how many attributes this
 * entry adds to `droppedAttributesCount`: 1 when skipped for the cap, its key is over MAX_KEY_BYTES
 * or its value nested too deep, else 0.
 */
export function readAttribute(
  r: ProtobufReader,
  parentEnd: number,
  fieldNumber: number,
  messageName: string,
  attributes: Attributes,
  alreadyRead: number,
): number {
  const end = r.readEnd(parentEnd, fieldNumber, messageName);
  if (alreadyRead >= MAX_ATTRIBUTES) {
    r.pos = end;
    return 1;
  }
  r.nestedTooDeep = false;
  const kept = readKeyValue(r, end, attributes, 1);
  return !kept || r.nestedTooDeep ? 1 : 0;
}

/**
 * Reads a Resource's attributes into `into` (an object the caller already shares with its spans, so
 * a Resource field arriving after them still reaches them).
 */
export function readResourceInto(r: ProtobufReader, end: number, into: Attributes): void {
  let count = 0;
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === RESOURCE_ATTRIBUTES) readAttribute(r, end, 1, 'Resource', into, count++);
    else r.skip(tag, end, 'Resource');
  }
  r.checkEnd(end, 'Resource');
}

/** Reads an InstrumentationScope's name and version (its attributes are not part of the model). */
export function readScope(r: ProtobufReader, end: number): Scope {
  let name = '';
  let version = '';
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === SCOPE_NAME) name = r.readString(end, 1, 'InstrumentationScope');
    else if (tag === SCOPE_VERSION) version = r.readString(end, 2, 'InstrumentationScope');
    else r.skip(tag, end, 'InstrumentationScope');
  }
  r.checkEnd(end, 'InstrumentationScope');
  return version === '' ? { name } : { name, version };
}
