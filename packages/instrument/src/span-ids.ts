import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/**
 * Random ids drawn from a pool of bytes of the system's secure random source, refilled 8 KB at a time
 * (341 trace and span id pairs): one hex conversion per id, where the SDK's RandomIdGenerator calls
 * Math.random and writes a buffer four bytes at a time (both run on every request; figures in
 * bench/RESULTS.md).
 */
class RandomIds {
  private readonly pool = Buffer.allocUnsafe(8192);
  private used = this.pool.length;

  private take(bytes: number): string {
    if (this.used + bytes > this.pool.length) {
      randomFillSync(this.pool);
      this.used = 0;
    }
    const id = this.pool.toString('hex', this.used, this.used + bytes);
    this.used += bytes;
    return id;
  }

  traceId(): string {
    let id = this.take(16);
    while (id === INVALID_TRACE_ID) id = this.take(16);
    return id;
  }

  spanId(): string {
    let id = this.take(8);
    while (id === INVALID_SPAN_ID) id = this.take(8);
    return id;
  }
}

/**
 * Secure random ids (RandomIds), except that the next span can be given ids chosen earlier: a server
 * span that starts as a bare span context (http-server-tracing.ts) becomes a real span with the ids
 * its children and callers already hold.
 */
export class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIds();
  private nextTraceId: string | undefined;
  private nextSpanId: string | undefined;

  generateTraceId(): string {
    const preset = this.nextTraceId;
    if (preset === undefined) return this.random.traceId();
    this.nextTraceId = undefined;
    return preset;
  }

  generateSpanId(): string {
    const preset = this.nextSpanId;
    if (preset === undefined) return this.random.spanId();
    this.nextSpanId = undefined;
    return preset;
  }

  /** Fresh random ids, not handed to any span yet. */
  newTraceId(): string {
    return this.random.traceId();
  }

  newSpanId(): string {
    return this.random.spanId();
  }

  /**
   * The ids of the next span started (the trace id only matters for a span without a parent). Call
   * right before `startSpan`, which takes them.
   */
  preset(traceId: string, spanId: string): void {
    this.nextTraceId = traceId;
    this.nextSpanId = spanId;
  }

  /** Drops ids `startSpan` did not take (it takes no trace id for a span with a parent). */
  clear(): void {
    this.nextTraceId = undefined;
    this.nextSpanId = undefined;
  }
}
