import type { WireSpan, WireSpanEvent } from '@faultline/model';
import { expect } from 'vitest';
import type { AppProcess } from './app-process.js';
import type { RunningCollector, StoredTrace } from './collector.js';

/** The HTTP server span of a trace (the request's entry). */
export function serverSpan(trace: StoredTrace): WireSpan | undefined {
  return trace.spans.find((span) => span.kind === 'SERVER');
}

/** Spans that recorded an `exception` event. */
export function spansWithExceptions(trace: StoredTrace): WireSpan[] {
  return trace.spans.filter((span) => exceptionEvents(span).length > 0);
}

/** The `exception` events of a span. */
export function exceptionEvents(span: WireSpan): WireSpanEvent[] {
  return span.events.filter((event) => event.name === 'exception');
}

/** The type and message of each `exception` event of a span, in order. */
export function exceptionsOf(span: WireSpan): Array<[unknown, unknown]> {
  return exceptionEvents(span).map((event) => [
    event.attributes['exception.type'],
    event.attributes['exception.message'],
  ]);
}

/** True once the trace holds a finished server span (its request has been answered and exported). */
export function hasServerSpan(trace: StoredTrace): boolean {
  return serverSpan(trace) !== undefined;
}

/**
 * Requests `path` from `app`, checks the answer's status, and waits for the request's trace and its
 * server span in `collector`.
 */
export async function answered(collector: RunningCollector, app: AppProcess, path: string, status: number) {
  const response = await app.get(path);
  expect(response.status).toBe(status);
  const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
  return { response, trace, server: serverSpan(trace)! };
}

/**
 * The spans of one service in the trace of a successful request to `path`, once every span that ended
 * before a later request's spans has been exported: a second request to `path`, made after the first
 * answered, is the marker. Successful spans leave the app in the order they ended (one batch queue), so
 * when the marker's server span is stored, nothing of the first request that ended before it is still
 * on its way.
 */
export async function settledSpansOf(
  collector: RunningCollector,
  app: AppProcess,
  path: string,
  service: string,
): Promise<WireSpan[]> {
  const response = await app.get(path);
  expect(response.status).toBe(200);
  await collector.waitForTrace(response.traceId!, hasServerSpan);
  const marker = await app.get(path);
  expect(marker.status).toBe(200);
  await collector.waitForTrace(marker.traceId!, hasServerSpan);
  const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
  return trace.spans.filter((span) => span.resource['service.name'] === service);
}
