// A minimal protobuf writer for crafting request bodies the official serializer would never produce
// (wrong-length ids, absurd nesting, huge counts). Field numbers are those of opentelemetry-proto.

const utf8 = new TextEncoder();

/** A varint's bytes; negative values are written as 64-bit two's complement, as int64 requires. */
export function varint(value: number | bigint): number[] {
  if (typeof value === 'number' && value >= 0 && value < 0x80) return [value];
  let rest = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return out;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** A length-delimited field (wire type 2) holding bytes or a string. */
export function lenField(fieldNumber: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? utf8.encode(payload) : payload;
  return concat(Uint8Array.from([(fieldNumber << 3) | 2, ...varint(bytes.length)]), bytes);
}

/** A varint field (wire type 0). */
export function varintField(fieldNumber: number, value: number | bigint): Uint8Array {
  return Uint8Array.from([...varint((fieldNumber << 3) | 0), ...varint(value)]);
}

/** A fixed64 field (wire type 1). */
export function fixed64Field(fieldNumber: number, value: bigint): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = (fieldNumber << 3) | 1;
  new DataView(out.buffer).setBigUint64(1, value, true);
  return out;
}

/** The bytes a hex string spells. */
export function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** AnyValue{string_value}. */
export function stringValue(value: string): Uint8Array {
  return lenField(1, value);
}

/** KeyValue{key, value}. */
export function keyValue(key: string, value: Uint8Array): Uint8Array {
  return concat(lenField(1, key), lenField(2, value));
}

/** An AnyValue holding `depth` nested single-element arrays around `leaf`, built without quadratic copying. */
export function nestedArrays(leaf: Uint8Array, depth: number): Uint8Array {
  let size = leaf.length;
  const heads: number[][] = [];
  for (let i = 0; i < depth; i++) {
    const values = [0x0a, ...varint(size)]; // ArrayValue.values = 1
    size += values.length;
    const arrayValue = [0x2a, ...varint(size)]; // AnyValue.array_value = 5
    size += arrayValue.length;
    heads.push([...arrayValue, ...values]);
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (let i = heads.length - 1; i >= 0; i--) {
    out.set(heads[i]!, pos);
    pos += heads[i]!.length;
  }
  out.set(leaf, pos);
  return out;
}

/** Fields of a Span message worth varying in tests; anything else goes in `extra`. */
export interface SpanFields {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name?: string;
  start?: bigint;
  end?: bigint;
  attributes?: Uint8Array[];
  extra?: Uint8Array[];
}

/** A valid 16-byte trace id. */
export const TRACE_ID = hexBytes('4bf92f3577b34da6a3ce929d0e0e4736');
/** A valid 8-byte span id. */
export const SPAN_ID = hexBytes('00f067aa0ba902b7');

/** A Span message: trace_id 1, span_id 2, parent_span_id 4, name 5, times 7/8, attributes 9. */
export function spanMessage(fields: SpanFields = {}): Uint8Array {
  return concat(
    lenField(1, fields.traceId ?? TRACE_ID),
    lenField(2, fields.spanId ?? SPAN_ID),
    ...(fields.parentSpanId ? [lenField(4, fields.parentSpanId)] : []),
    lenField(5, fields.name ?? 'span'),
    fixed64Field(7, fields.start ?? 1_700_000_000_000_000_000n),
    fixed64Field(8, fields.end ?? 1_700_000_000_100_000_000n),
    ...(fields.attributes ?? []).map((kv) => lenField(9, kv)),
    ...(fields.extra ?? []),
  );
}

/** ExportTraceServiceRequest{ResourceSpans{Resource{service.name}, ScopeSpans{scope, spans}}}. */
export function tracesRequest(spans: Uint8Array[], serviceName = 'svc', scopeName = 'lib'): Uint8Array {
  const resource = lenField(1, keyValue('service.name', stringValue(serviceName)));
  const scopeSpans = concat(lenField(1, lenField(1, scopeName)), ...spans.map((s) => lenField(2, s)));
  return lenField(1, concat(lenField(1, resource), lenField(2, scopeSpans)));
}

/** ExportLogsServiceRequest{ResourceLogs{Resource{service.name}, ScopeLogs{scope, log_records}}}. */
export function logsRequest(records: Uint8Array[], serviceName = 'svc', scopeName = 'lib'): Uint8Array {
  const resource = lenField(1, keyValue('service.name', stringValue(serviceName)));
  const scopeLogs = concat(lenField(1, lenField(1, scopeName)), ...records.map((r) => lenField(2, r)));
  return lenField(1, concat(lenField(1, resource), lenField(2, scopeLogs)));
}
