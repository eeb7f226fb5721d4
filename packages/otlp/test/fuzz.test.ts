import type { AttributeValue } from '@faultline/model';
import {
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DecodedLogs, DecodedTraces } from '../src/index.js';
import {
  decodeLogsJson,
  decodeLogsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  OtlpDecodeError,
} from '../src/index.js';
import { makeSdkLogs } from './support/sdk-logs.js';
import { makeSdkSpans } from './support/sdk-spans.js';

const spans = makeSdkSpans();
const tracesBatch = ProtobufTraceSerializer.serializeRequest(spans)!;
const logsBatch = ProtobufLogsSerializer.serializeRequest(await makeSdkLogs())!;
const tracesJson = JSON.parse(
  new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)),
) as unknown;

function isFiniteEverywhere(value: AttributeValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isFiniteEverywhere);
  if (value !== null && typeof value === 'object') return Object.values(value).every(isFiniteEverywhere);
  return true;
}

/** Decoding either fails with OtlpDecodeError or yields well-formed rows; anything else is a bug. */
function decodesOrRefuses(decode: () => DecodedTraces | DecodedLogs): boolean {
  let decoded: DecodedTraces | DecodedLogs;
  try {
    decoded = decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) return true;
    throw error;
  }
  const rows = 'spans' in decoded ? decoded.spans : decoded.logs;
  for (const row of rows) {
    if ('kind' in row) {
      expect(row.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(row.spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(row.endTimeUnixNano >= row.startTimeUnixNano).toBe(true);
    } else {
      expect(isFiniteEverywhere(row.body)).toBe(true);
    }
    expect(isFiniteEverywhere(row.attributes)).toBe(true);
  }
  return true;
}

/** A batch with a few bytes overwritten at random places: mostly valid framing, corrupt details. */
function corrupted(batch: Uint8Array) {
  return fc
    .array(fc.tuple(fc.nat(batch.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 6,
    })
    .map((edits) => {
      const copy = batch.slice();
      for (const [at, byte] of edits) copy[at] = byte;
      return copy;
    });
}

/** Every [container, key] pair in a parsed JSON value, so one can be replaced. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      out.push([value, i]);
      slots(value[i], out);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

describe('decoding never fails in any way but OtlpDecodeError', () => {
  const runs = { numRuns: 2000 };

  it('for arbitrary bytes as protobuf traces and logs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        return (
          decodesOrRefuses(() => decodeTracesProtobuf(bytes)) &&
          decodesOrRefuses(() => decodeLogsProtobuf(bytes))
        );
      }),
      runs,
    );
  });

  it('for real SDK batches with random bytes overwritten', () => {
    fc.assert(
      fc.property(corrupted(tracesBatch), (bytes) => decodesOrRefuses(() => decodeTracesProtobuf(bytes))),
      runs,
    );
    fc.assert(
      fc.property(corrupted(logsBatch), (bytes) => decodesOrRefuses(() => decodeLogsProtobuf(bytes))),
      runs,
    );
  });

  it('for arbitrary strings and arbitrary JSON as OTLP/JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        return decodesOrRefuses(() => decodeTracesJson(text)) && decodesOrRefuses(() => decodeLogsJson(text));
      }),
      runs,
    );
  });

  it('for a real OTLP/JSON batch with one value anywhere replaced by arbitrary JSON', () => {
    const slotCount = slots(tracesJson).length;
    fc.assert(
      fc.property(fc.nat(slotCount - 1), fc.jsonValue({ maxDepth: 3 }), (index, replacement) => {
        const copy = structuredClone(tracesJson);
        const [container, key] = slots(copy)[index]!;
        (container as Record<string | number, unknown>)[key] = replacement;
        return decodesOrRefuses(() => decodeTracesJson(JSON.stringify(copy)));
      }),
      runs,
    );
  });
});
