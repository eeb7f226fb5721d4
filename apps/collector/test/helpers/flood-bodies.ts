// Protobuf bodies no SDK would send, written byte by byte: one span with millions of empty events,
// one request with millions of empty log records, a span with many long unique attribute keys.
import { randomBytes } from 'node:crypto';

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}

/** A length-delimited field (wire type 2). */
function field(fieldNumber: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((fieldNumber << 3) | 2), varint(payload.length), payload]);
}

function fixed64(fieldNumber: number, value: bigint): Buffer {
  const out = Buffer.alloc(9);
  out[0] = (fieldNumber << 3) | 1;
  out.writeBigUInt64LE(value, 1);
  return out;
}

function stringKeyValue(key: string, value: string): Buffer {
  return Buffer.concat([field(1, Buffer.from(key)), field(2, field(1, Buffer.from(value)))]);
}

/** `count` copies of the 2-byte empty message `field` (tag, length 0). */
function emptyFields(fieldNumber: number, count: number): Buffer {
  return Buffer.alloc(count * 2, Buffer.from([(fieldNumber << 3) | 2, 0]));
}

/** An ExportTraceServiceRequest with one span of `service` whose body is `spanExtra` after the ids. */
function tracesRequest(traceId: string, spanExtra: Buffer, service = 'flood'): Buffer {
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = Buffer.concat([
    field(1, Buffer.from(traceId, 'hex')),
    field(2, randomBytes(8)),
    field(5, Buffer.from('flood')),
    fixed64(7, now),
    fixed64(8, now + 1_000_000n),
    spanExtra,
  ]);
  const resource = field(1, stringKeyValue('service.name', service));
  return field(1, Buffer.concat([field(1, resource), field(2, field(2, span))]));
}

/** One span with `count` empty events (9 million of them are an 18 MB body). */
export function spanWithEmptyEvents(traceId: string, count: number): Buffer {
  return tracesRequest(traceId, emptyFields(11, count));
}

/** One span with `count` string attributes whose keys are unique and `keyBytes` long. */
export function spanWithLongKeys(traceId: string, count: number, keyBytes: number): Buffer {
  const attributes: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const key = `${traceId}.${i}.`.padEnd(keyBytes, 'k');
    attributes.push(field(9, stringKeyValue(key, 'v')));
  }
  return tracesRequest(traceId, Buffer.concat(attributes));
}

/** An ExportLogsServiceRequest holding `count` empty log records (9 million are an 18 MB body). */
export function emptyLogRecords(count: number): Buffer {
  return field(1, field(2, emptyFields(2, count)));
}
