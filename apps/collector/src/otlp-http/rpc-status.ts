/*
 * OTLP/HTTP answers 4xx/5xx with a google.rpc.Status in the request's encoding
 * (https://opentelemetry.io/docs/specs/otlp/#failures-1). Status is { int32 code = 1; string message = 2; }
 * (google/rpc/status.proto); `details` is never sent. Two fields do not justify a protobuf library.
 */

/** gRPC status codes used in Status.code (google/rpc/code.proto). */
export const RPC_CODE = {
  INVALID_ARGUMENT: 3,
  PERMISSION_DENIED: 7,
  UNAUTHENTICATED: 16,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
} as const;

function varint(value: number): number[] {
  const bytes: number[] = [];
  let v = value >>> 0;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

/** Encodes a google.rpc.Status message as protobuf bytes. */
export function encodeRpcStatus(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from([0x08, ...varint(code), 0x12, ...varint(text.length)]), text]);
}

/** Maps an HTTP status to the gRPC code that means the same. */
export function rpcCodeForHttpStatus(status: number): number {
  if (status === 401) return RPC_CODE.UNAUTHENTICATED;
  if (status === 403) return RPC_CODE.PERMISSION_DENIED;
  if (status === 413) return RPC_CODE.RESOURCE_EXHAUSTED;
  if (status >= 500) return RPC_CODE.UNAVAILABLE;
  return RPC_CODE.INVALID_ARGUMENT;
}
