// A single-pass reader of the protobuf wire format
// (https://protobuf.dev/programming-guides/encoding/): varints, fixed 32/64-bit values,
// length-delimited fields and groups. Every read is bounds-checked and every failure is an
// OtlpDecodeError whose message names the field, so a bad body becomes a 400, never a crash.
import { ByteText, utf8CutPoint } from './byte-text.js';
import { OtlpDecodeError } from './decode-error.js';
import { InternedText } from './interned-text.js';
import { MAX_STRING_BYTES, truncationMarker } from './value-limits.js';

/** Wire type of varint fields (int32, int64, uint32, bool, enum). */
export const VARINT = 0;
/** Wire type of fixed64 and double fields. */
export const FIXED64 = 1;
/** Wire type of strings, bytes and embedded messages. */
export const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

/** The tag a field is written with: its number and wire type in one varint. */
export function tagOf(fieldNumber: number, wireType: number): number {
  return (fieldNumber << 3) | wireType;
}

const TWO_POW_32 = 4294967296;

/** Reads protobuf fields from one request body; positions are offsets into that body. */
export class ProtobufReader {
  /** Offset of the next byte to read. */
  pos = 0;
  /**
   * Set when an AnyValue was nested too deep and replaced, or a key inside it was too long and left
   * out; the caller counts its attribute as dropped.
   */
  nestedTooDeep = false;
  readonly text: ByteText;
  private readonly interned: InternedText;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.text = new ByteText(bytes);
    this.interned = new InternedText(bytes, this.text);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Reads a field tag (field number << 3 | wire type), rejecting field number 0. */
  readTag(): number {
    const tag = this.readVarint();
    if (tag < 8 || tag > 0xffffffff)
      this.fail(`malformed protobuf: invalid field tag ${tag} at byte ${this.pos}`);
    return tag;
  }

  /** Reads an unsigned varint as a number (exact up to 2^53, which covers lengths, enums and counts). */
  readVarint(): number {
    const bytes = this.bytes;
    let pos = this.pos;
    if (pos >= bytes.length) this.failTruncated();
    let byte = bytes[pos++]!;
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    let shift = 7;
    let scale = 128;
    for (;;) {
      if (pos >= bytes.length) this.failTruncated();
      byte = bytes[pos++]!;
      // Bit operations are 32-bit: past 28 bits, add multiples instead.
      if (shift < 28) value |= (byte & 0x7f) << shift;
      else value += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      shift += 7;
      scale *= 128;
      if (shift > 63) this.fail(`malformed protobuf: varint longer than 10 bytes at byte ${pos}`);
    }
    this.pos = pos;
    return value;
  }

  /** Reads a signed int64 varint: a number when it is a safe integer, else its decimal string. */
  readInt64(): number | string {
    const bytes = this.bytes;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos >= bytes.length) this.failTruncated();
      if (shift > 63) this.fail(`malformed protobuf: varint longer than 10 bytes at byte ${pos}`);
      byte = bytes[pos++]!;
      if (shift < 28) lo |= (byte & 0x7f) << shift;
      else if (shift === 28) {
        lo |= byte << 28; // bits above 31 fall off
        hi = (byte & 0x7f) >>> 4;
      } else hi |= (byte & 0x7f) << (shift - 32);
      shift += 7;
    } while (byte >= 0x80);
    this.pos = pos;
    // hi is a signed 32-bit value here: negative means the int64 is negative (two's complement).
    if (hi >= 0 && hi < 0x200000) return hi * TWO_POW_32 + (lo >>> 0);
    if (hi < 0) {
      const negLo = (~lo + 1) >>> 0;
      const negHi = (~hi + (negLo === 0 ? 1 : 0)) >>> 0;
      if (negHi < 0x200000) return -(negHi * TWO_POW_32 + negLo);
    }
    return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
  }

  /** Reads a fixed64 (timestamps in nanoseconds) as a bigint. */
  readFixed64(): bigint {
    if (this.pos + 8 > this.bytes.length) this.failTruncated();
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a little-endian double. */
  readDouble(): number {
    if (this.pos + 8 > this.bytes.length) this.failTruncated();
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /**
   * Reads a length prefix and returns the offset where the field's bytes end, after checking that
   * they fit inside the enclosing message (which ends at `parentEnd`).
   */
  readEnd(parentEnd: number, fieldNumber: number, messageName: string): number {
    const length = this.readVarint();
    const end = this.pos + length;
    if (end > parentEnd) {
      const left = parentEnd - this.pos;
      this.fail(
        parentEnd === this.bytes.length
          ? `truncated protobuf: field ${fieldNumber} of ${messageName} ends past the end of the buffer ` +
              `(${length} bytes long, ${left} left)`
          : `malformed protobuf: field ${fieldNumber} of ${messageName} is ${length} bytes long but only ` +
              `${left} bytes are left in its enclosing message`,
      );
    }
    return end;
  }

  /** Reads a string field. */
  readString(parentEnd: number, fieldNumber: number, messageName: string): string {
    const end = this.readEnd(parentEnd, fieldNumber, messageName);
    const value = this.interned.utf8(this.pos, end);
    this.pos = end;
    return value;
  }

  /**
   * Reads a string field of at most `maxBytes`; a longer one is skipped without being decoded (an
   * attacker's 19 KB keys never become strings) and null is returned.
   */
  readShortString(
    parentEnd: number,
    fieldNumber: number,
    messageName: string,
    maxBytes: number,
  ): string | null {
    const end = this.readEnd(parentEnd, fieldNumber, messageName);
    const start = this.pos;
    this.pos = end;
    return end - start > maxBytes ? null : this.interned.utf8(start, end);
  }

  /** Reads a string field kept to MAX_STRING_BYTES, its tail replaced by a marker saying how much went. */
  readLimitedString(parentEnd: number, fieldNumber: number, messageName: string): string {
    const end = this.readEnd(parentEnd, fieldNumber, messageName);
    const start = this.pos;
    this.pos = end;
    if (end - start <= MAX_STRING_BYTES) return this.interned.utf8(start, end);
    const cut = utf8CutPoint(this.bytes, start + MAX_STRING_BYTES, start);
    return this.text.utf8(start, cut) + truncationMarker(end - cut);
  }

  /** Skips the value of a field this decoder does not use (any wire type, groups included). */
  skip(tag: number, parentEnd: number, messageName: string): void {
    const wireType = tag & 7;
    if (wireType === START_GROUP) this.skipGroup(tag >>> 3, parentEnd, messageName);
    else if (wireType === END_GROUP) {
      this.fail(`malformed protobuf: unexpected end-group tag for field ${tag >>> 3} of ${messageName}`);
    } else this.skipScalar(wireType, tag >>> 3, parentEnd, messageName);
  }

  /** Fails unless the fields of a message ended exactly where its length said it would. */
  checkEnd(end: number, messageName: string): void {
    if (this.pos === end) return;
    this.fail(
      end === this.bytes.length
        ? `truncated protobuf: the body ends inside the last field of ${messageName}`
        : `malformed protobuf: the last field of ${messageName} runs past the end of the message`,
    );
  }

  /** Throws an OtlpDecodeError with the given message. */
  fail(message: string): never {
    throw new OtlpDecodeError(message);
  }

  private failTruncated(): never {
    this.fail(`truncated protobuf: the body ends in the middle of a field (at byte ${this.bytes.length})`);
  }

  private skipScalar(wireType: number, fieldNumber: number, parentEnd: number, messageName: string): void {
    switch (wireType) {
      case VARINT:
        this.readVarint();
        return;
      case FIXED64:
        this.pos += 8;
        break;
      case LENGTH_DELIMITED:
        this.pos = this.readEnd(parentEnd, fieldNumber, messageName);
        return;
      case FIXED32:
        this.pos += 4;
        break;
      default:
        this.fail(
          `malformed protobuf: field ${fieldNumber} of ${messageName} has invalid wire type ${wireType}`,
        );
    }
    if (this.pos > parentEnd) this.checkEnd(parentEnd, messageName);
  }

  // Groups (deprecated, but legal in any message as an unknown field) nest: track the open ones in an
  // array rather than by recursion, so a body of a million start-group tags cannot overflow the stack.
  private skipGroup(fieldNumber: number, parentEnd: number, messageName: string): void {
    const open = [fieldNumber];
    while (open.length > 0) {
      if (this.pos >= parentEnd) {
        this.fail(`malformed protobuf: group field ${fieldNumber} of ${messageName} is never closed`);
      }
      const tag = this.readTag();
      const wireType = tag & 7;
      if (wireType === START_GROUP) open.push(tag >>> 3);
      else if (wireType === END_GROUP) {
        if (open.pop() !== tag >>> 3) {
          this.fail(`malformed protobuf: mismatched end-group tag in field ${fieldNumber} of ${messageName}`);
        }
      } else this.skipScalar(wireType, tag >>> 3, parentEnd, messageName);
    }
  }
}
