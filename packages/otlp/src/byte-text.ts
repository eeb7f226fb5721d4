/** Node's Buffer exposes native slicers that skip `toString`'s argument handling; about 2x faster on short ids. */
interface NodeSlicer {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

function nodeSlicerOver(bytes: Uint8Array): NodeSlicer | null {
  const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (NodeBuffer === undefined) return null;
  const proto = NodeBuffer.prototype as unknown as Partial<NodeSlicer>;
  if (typeof proto.utf8Slice !== 'function' || typeof proto.hexSlice !== 'function') return null;
  // A view over the same memory: no copy.
  const view = NodeBuffer.isBuffer(bytes)
    ? bytes
    : NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return view as unknown as NodeSlicer;
}

/**
 * Turns byte ranges of one request body into strings: UTF-8 text (invalid sequences become U+FFFD,
 * never an exception), lowercase hex ids and base64. Uses Node's Buffer when present, else Web APIs.
 */
export class ByteText {
  private readonly node: NodeSlicer | null;

  constructor(private readonly bytes: Uint8Array) {
    this.node = nodeSlicerOver(bytes);
  }

  /** The bytes `[start, end)` decoded as UTF-8. */
  utf8(start: number, end: number): string {
    if (start === end) return '';
    if (this.node !== null) return this.node.utf8Slice(start, end);
    return utf8Decoder.decode(this.bytes.subarray(start, end));
  }

  /** The bytes `[start, end)` as lowercase hex. */
  hex(start: number, end: number): string {
    if (this.node !== null) return this.node.hexSlice(start, end);
    let out = '';
    for (let i = start; i < end; i++) out += HEX_DIGITS[this.bytes[i]!];
    return out;
  }

  /** The bytes `[start, end)` as standard base64 (what the protobuf JSON mapping uses for bytes). */
  base64(start: number, end: number): string {
    if (this.node !== null) return this.node.base64Slice(start, end);
    let binary = '';
    for (let i = start; i < end; i++) binary += String.fromCharCode(this.bytes[i]!);
    return btoa(binary);
  }
}

/**
 * The largest cut point `<= limit` in `[start, ...)` that does not split a UTF-8 sequence, so a
 * truncated string never ends in a replacement character of our own making.
 */
export function utf8CutPoint(bytes: Uint8Array, limit: number, start = 0): number {
  let cut = limit;
  // Continuation bytes look like 0b10xxxxxx; a sequence is at most 4 bytes long.
  while (cut > start && cut > limit - 4 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return cut;
}
