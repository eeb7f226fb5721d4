import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan, spansWithExceptions } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('koa-app.cjs', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-koa' },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

describe('a Koa app started with --require @faultline/instrument/register', () => {
  it.each([
    ['/throw', 'TypeError', "Cannot read properties of undefined (reading 'total')"],
    ['/reject', 'Error', 'rejected inside an async middleware'],
  ])(
    'records the error of %s on the failing middleware span as ERROR, keeping traceresponse',
    async (route, type, message) => {
      const response = await app.get(route);
      expect(response.status).toBe(500);
      // Koa clears every header when it renders an error; the header must survive that.
      expect(response.traceId).toBeDefined();
      const trace = await collector.waitForTrace(
        response.traceId!,
        (t) => hasServerSpan(t) && t.logs.length > 0,
      );
      const failing = trace.spans.find((span) => span.attributes['koa.name'] === 'failingMiddleware');
      expect(failing?.status).toEqual({ code: 'ERROR', message });
      expect(exceptionEvents(failing!).map((event) => event.attributes['exception.type'])).toEqual([type]);
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
      // Koa reports the error with console.error, which arrives as a log of the trace.
      expect(String(trace.logs[0]!.body)).toContain(message);
    },
  );

  it('leaves a ctx.throw(404) recorded but not in ERROR: a 4xx is not a failure of the service', async () => {
    const response = await app.get('/not-found');
    expect(response.status).toBe(404);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const [span] = spansWithExceptions(trace);
    expect(span?.status.code).toBe('UNSET');
    expect(serverSpan(trace)!.status.code).toBe('UNSET');
  });

  it('marks an explicit ctx.status = 500 as an ERROR server span with no exception anywhere', async () => {
    const response = await app.get('/explicit-500');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
    expect(spansWithExceptions(trace)).toEqual([]);
  });
});
