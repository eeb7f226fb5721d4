/**
 * Thrown when an OTLP request body cannot be decoded at all (truncated, not protobuf, not JSON, wrong
 * shape). The message is written for the sender: the collector returns it in the body of a 400.
 */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}
