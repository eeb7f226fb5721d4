import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fromWireLogRecord,
  fromWireSpan,
  type LogRecord,
  type Span,
  type WireLogRecord,
  type WireSpan,
} from '@faultline/model';

const RECORDED = join(import.meta.dirname, '../../../../packages/diagnosis/test/fixtures/recorded');

/** A trace recorded from the real demo services (packages/diagnosis/test/fixtures/recorded). */
export interface RecordedTrace {
  file: string;
  traceId: string;
  spans: Span[];
  logs: LogRecord[];
}

/**
 * Every recorded trace, moved in time so the n-th starts n seconds before `nowNs` (stores with a
 * TTL drop old rows as they are inserted), nanosecond offsets kept.
 */
export function loadRecordedTraces(nowNs: bigint): RecordedTrace[] {
  const files = readdirSync(RECORDED)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file, i) => {
    const recorded = JSON.parse(readFileSync(join(RECORDED, file), 'utf8')) as {
      spans: WireSpan[];
      logs?: WireLogRecord[];
    };
    const spans = recorded.spans.map(fromWireSpan);
    const logs = (recorded.logs ?? []).map(fromWireLogRecord);
    let start = spans[0]!.startTimeUnixNano;
    for (const span of spans) if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    const shift = nowNs - BigInt(files.length - i + 5) * 1_000_000_000n - start;
    for (const span of spans) {
      span.startTimeUnixNano += shift;
      span.endTimeUnixNano += shift;
      for (const event of span.events) event.timeUnixNano += shift;
    }
    for (const log of logs) {
      log.timeUnixNano += shift;
      log.observedTimeUnixNano += shift;
    }
    return { file, traceId: spans[0]!.traceId, spans, logs };
  });
}
