import { OtlpDecodeError } from './decode-error.js';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/**
 * Throws when a body sent as protobuf is plainly JSON (a client with the wrong Content-Type). As
 * protobuf, `{` and `[` are start-group tags of fields no OTLP message has, so no real request
 * starts with them; leading spaces, tabs and CRs are skipped (LF is not: 0x0a is the usual first
 * byte of a real request).
 */
export function refuseJsonAsProtobuf(body: Uint8Array): void {
  let i = 0;
  while (i < body.length && (body[i] === SPACE || body[i] === TAB || body[i] === CR)) i++;
  if (i < body.length && (body[i] === OPEN_BRACE || body[i] === OPEN_BRACKET)) {
    throw new OtlpDecodeError(
      'the body looks like JSON, not protobuf: send OTLP/JSON with Content-Type: application/json',
    );
  }
}
