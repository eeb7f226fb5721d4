import { describe, expect, it } from 'vitest';
import { concat, lenField, varint, varintField } from '../test/support/proto-writer.js';
import { OtlpDecodeError } from './decode-error.js';
import { ProtobufReader } from './protobuf-reader.js';

function reader(bytes: number[] | Uint8Array): ProtobufReader {
  return new ProtobufReader(Uint8Array.from(bytes));
}

describe('ProtobufReader', () => {
  it.each([
    [0n, 0],
    [1n, 1],
    [300n, 300],
    [-1n, -1],
    [-5n, -5],
    [2n ** 31n, 2 ** 31],
    [2n ** 32n + 7n, 2 ** 32 + 7],
    [2n ** 53n - 1n, Number.MAX_SAFE_INTEGER],
    [-(2n ** 53n) + 1n, Number.MIN_SAFE_INTEGER],
    [2n ** 53n, '9007199254740992'],
    [-(2n ** 53n), '-9007199254740992'],
    [2n ** 63n - 1n, '9223372036854775807'],
    [-(2n ** 63n), '-9223372036854775808'],
  ])('reads int64 %s as %s: a number while it is exact, else the decimal string', (value, want) => {
    const r = reader(varint(value));
    expect(r.readInt64()).toBe(want);
    expect(r.pos).toBe(varint(value).length);
  });

  it('reads fixed64 nanosecond timestamps beyond 2^53 exactly', () => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, 1_700_000_000_123_456_789n, true);
    expect(reader(bytes).readFixed64()).toBe(1_700_000_000_123_456_789n);
  });

  it('skips unknown fields of every wire type, nested groups included', () => {
    const group = [(9 << 3) | 3, (10 << 3) | 3, (11 << 3) | 0, 5, (10 << 3) | 4, (9 << 3) | 4];
    const fixed32 = [(12 << 3) | 5, 1, 2, 3, 4];
    const fixed64 = [(13 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8];
    const body = concat(
      varintField(1, 2n ** 40n),
      lenField(2, 'skip me'),
      Uint8Array.from([...group, ...fixed32, ...fixed64]),
    );
    const r = reader(body);
    while (r.pos < body.length) r.skip(r.readTag(), body.length, 'Test');
    expect(r.pos).toBe(body.length);
  });

  it.each([
    ['a length past the end', [(1 << 3) | 2, 10, 1, 2], /field 1 of Test ends past the end of the buffer/],
    ['a varint cut short', [(1 << 3) | 0, 0x80], /truncated protobuf/],
    ['a fixed64 cut short', [(1 << 3) | 1, 1, 2, 3], /truncated protobuf/],
    ['wire type 6', [(1 << 3) | 6], /invalid wire type 6/],
    ['wire type 7', [(1 << 3) | 7], /invalid wire type 7/],
    ['a stray end-group tag', [(1 << 3) | 4], /unexpected end-group/],
    ['a group never closed', [(1 << 3) | 3, (2 << 3) | 0, 1], /never closed/],
    ['a mismatched end-group', [(1 << 3) | 3, (2 << 3) | 4], /mismatched end-group/],
    ['field number 0', [0, 1], /invalid field tag/],
    ['an 11-byte varint', [(1 << 3) | 0, ...Array(10).fill(0xff), 1], /longer than 10 bytes/],
  ])('throws OtlpDecodeError naming the problem for %s', (_case, bytes, message) => {
    const skipAll = () => {
      const r = reader(bytes);
      while (r.pos < bytes.length) r.skip(r.readTag(), bytes.length, 'Test');
      r.checkEnd(bytes.length, 'Test');
    };
    expect(skipAll).toThrow(OtlpDecodeError);
    expect(skipAll).toThrow(message);
  });

  it('reports a field that outgrows its enclosing message (not the buffer) as malformed', () => {
    const r = reader([(1 << 3) | 2, 5, 1, 2, 3, 4, 5, 6]);
    r.readTag();
    expect(() => r.readEnd(4, 1, 'Inner')).toThrow(/malformed protobuf: field 1 of Inner is 5 bytes long/);
  });

  it('decodes invalid UTF-8 as U+FFFD instead of throwing', () => {
    const r = reader([3, 0x61, 0xff, 0x62]);
    expect(r.readString(4, 1, 'Test')).toBe('a\uFFFDb');
  });
});
