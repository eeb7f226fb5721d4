import type { WireSpan } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess, Preload } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionsOf, serverSpan } from './harness/trace-queries.js';

/*
 * What an app writes on the span it runs in (test/apps/app-writes.cjs: `tenant.id`, a `cache.miss`
 * event, and on /app-exception a recorded exception answered 500, on /app-error ERROR answered 200) is
 * in the stored trace of every failing request, with success sampling active: most server spans then
 * start as bare span contexts, and only the failing ones become spans.
 */

/** An app of test/apps/app-writes.cjs's kind, by the name its tests are listed under. */
export interface AppWritesApp {
  name: string;
  script: string;
  preload?: Preload;
}

/** Successful traces a second each app keeps in full: the bursts below are far past it. */
const TRACES_PER_SECOND = '5';

let collector: RunningCollector;

/** The span the handler wrote on: its server span, or the framework span it ran in. */
function writtenSpan(trace: StoredTrace): WireSpan | undefined {
  return trace.spans.find((span) => span.attributes['tenant.id'] === 'acme');
}

/** True once the trace holds everything /app-exception wrote, and its diagnosis. */
function holdsException(trace: StoredTrace): boolean {
  const span = writtenSpan(trace);
  return (
    span !== undefined &&
    serverSpan(trace) !== undefined &&
    span.events.some((event) => event.name === 'cache.miss') &&
    exceptionsOf(span).length > 0 &&
    trace.diagnosis !== null
  );
}

/** True once the trace holds everything /app-error wrote. */
function holdsMarkedError(trace: StoredTrace): boolean {
  const span = writtenSpan(trace);
  return (
    span !== undefined &&
    serverSpan(trace) !== undefined &&
    span.events.some((event) => event.name === 'cache.miss') &&
    span.status.code === 'ERROR' &&
    trace.diagnosis !== null
  );
}

async function expectExceptionKept(traceId: string): Promise<void> {
  const trace = await collector.waitForTrace(traceId, holdsException, 15_000);
  const span = writtenSpan(trace)!;
  expect(exceptionsOf(span)).toEqual([['RangeError', 'tenant acme is over its order quota']]);
  expect(span.events.find((event) => event.name === 'cache.miss')?.attributes['cache.key']).toBe(
    'orders:acme',
  );
  expect(serverSpan(trace)!.attributes['http.response.status_code']).toBe(500);
  expect(trace.diagnosis).toMatchObject({ cause: 'exception' });
  // Written while the handler ran: timed then, inside the span, the event before the exception.
  const times = span.events.map((event) => BigInt(event.timeUnixNano));
  expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  for (const time of times) {
    expect(time).toBeGreaterThanOrEqual(BigInt(span.startTimeUnixNano));
    expect(time).toBeLessThanOrEqual(BigInt(span.endTimeUnixNano));
  }
}

async function expectMarkedErrorKept(traceId: string): Promise<void> {
  const trace = await collector.waitForTrace(traceId, holdsMarkedError, 15_000);
  expect(writtenSpan(trace)!.status.message).toBe('order kept for manual review');
  expect(serverSpan(trace)!.attributes['http.response.status_code']).toBe(200);
  // The app marked the request failed on whichever span its framework made active: the verdict reads it.
  expect(trace.diagnosis).toMatchObject({
    cause: 'exception',
    originSpanId: writtenSpan(trace)!.spanId,
    summary: expect.stringContaining(
      'marked failed with no exception recorded (order kept for manual review)',
    ),
  });
}

/** Requests /ok over `connections` connections until `stop()`; returns the trace ids answered. */
function steadyLoad(app: AppProcess, connections: number): { stop(): Promise<string[]> } {
  const ids: string[] = [];
  let running = true;
  const workers = Array.from({ length: connections }, async () => {
    while (running) {
      const response = await app.get('/ok');
      expect(response.status).toBe(200);
      ids.push(response.traceId!);
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return ids;
    },
  };
}

/** Sends `count` successful requests over 20 connections: far past TRACES_PER_SECOND. */
async function burst(app: AppProcess, count: number): Promise<string[]> {
  const ids: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (sent < count) {
        sent += 1;
        ids.push((await app.get('/ok')).traceId!);
      }
    }),
  );
  return ids;
}

/** Successful /ok traces of `service` the collector stored (after the app flushed and stopped). */
async function storedOkTraces(service: string, okIds: string[]): Promise<number> {
  const url = `${collector.apiUrl}/api/traces?service=${service}&status=200&limit=1000`;
  const page = (await (await fetch(url)).json()) as { traces: { traceId: string }[] };
  const ok = new Set(okIds);
  return page.traces.filter((trace) => ok.has(trace.traceId)).length;
}

/**
 * The tests of what a handler writes, for each of `apps`: one collector for them all, each app
 * started with success sampling active (TRACES_PER_SECOND) and driven past it.
 */
export function describeAppWrites(apps: AppWritesApp[]): void {
  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(async () => {
    await collector?.stop();
  });

  describe.each(apps)('$name, with success sampling active', ({ name, script, preload }) => {
    const service = `writes-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    let app: AppProcess;
    beforeAll(async () => {
      app = await startApp(script, {
        ...(preload ? { preload } : {}),
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
          OTEL_SERVICE_NAME: service,
          FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: TRACES_PER_SECOND,
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('keeps what the handler wrote on every failing request, and every request it marked failed', async () => {
      const okIds = await burst(app, 300);
      const load = steadyLoad(app, 6);
      const exceptionIds: string[] = [];
      const markedIds: string[] = [];
      for (let i = 0; i < 8; i += 1) {
        const failed = await app.get('/app-exception');
        expect(failed.status).toBe(500);
        exceptionIds.push(failed.traceId!);
        const marked = await app.get('/app-error');
        expect(marked.status).toBe(200);
        markedIds.push(marked.traceId!);
      }
      okIds.push(...(await load.stop()));
      for (const traceId of exceptionIds) await expectExceptionKept(traceId);
      for (const traceId of markedIds) await expectMarkedErrorKept(traceId);
      // Sampling was active: most successful requests were left out.
      await app.stop();
      const stored = await storedOkTraces(service, okIds);
      expect(stored).toBeLessThan(okIds.length / 2);
    }, 90_000);
  });

  describe.each(apps)('$name, a failing request right after a burst', ({ name, script, preload }) => {
    const service = `after-burst-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    let app: AppProcess;
    beforeAll(async () => {
      app = await startApp(script, {
        ...(preload ? { preload } : {}),
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
          OTEL_SERVICE_NAME: service,
          FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: TRACES_PER_SECOND,
        },
      });
    });
    afterAll(async () => {
      await app?.stop();
    });

    it('keeps everything the handler wrote', async () => {
      await burst(app, 200);
      const failed = await app.get('/app-exception');
      expect(failed.status).toBe(500);
      const marked = await app.get('/app-error');
      expect(marked.status).toBe(200);
      await expectExceptionKept(failed.traceId!);
      await expectMarkedErrorKept(marked.traceId!);
    }, 60_000);
  });
}
