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
  // No OTEL_SERVICE_NAME: the service name must come from test/apps/package.json.
  app = await startApp('express-app.cjs', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl } });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

describe('an Express 5 app started with --require @faultline/instrument/register', () => {
  it('answers with a traceresponse header naming the stored trace and its server span', async () => {
    const response = await app.get('/ok');
    expect(response.headers.get('traceresponse')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(response.headers.get('traceresponse')).toBe(`00-${trace.traceId}-${server.spanId}-01`);
    expect(server.resource['service.name']).toBe('faultline-test-apps');
    expect(server.resource['service.version']).toBe('3.1.4');
  });

  it.each([
    ['/throw', 'TypeError', "Cannot read properties of undefined (reading 'total')"],
    ['/reject', 'Error', 'rejected inside an async handler'],
    ['/next-error', 'Error', 'passed to next()'],
    ['/middleware-reject', 'Error', 'rejected inside an async middleware'],
  ])(
    'records the error of %s once, on the span of the code that failed, as ERROR with its message',
    async (route, type, message) => {
      const response = await app.get(route);
      expect(response.status).toBe(500);
      const trace = await collector.waitForTrace(
        response.traceId!,
        (t) => hasServerSpan(t) && spansWithExceptions(t).length > 0,
      );
      const failing = spansWithExceptions(trace);
      expect(failing).toHaveLength(1);
      const [span] = failing;
      expect(span!.kind).toBe('INTERNAL');
      expect(span!.attributes['express.type']).toMatch(/request_handler|middleware/);
      expect(span!.status).toEqual({ code: 'ERROR', message });
      const [event] = exceptionEvents(span!);
      expect(event!.attributes['exception.type']).toBe(type);
      expect(event!.attributes['exception.message']).toBe(message);
      expect(String(event!.attributes['exception.stacktrace'])).toContain('express-app.cjs');
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
    },
  );

  it('marks an explicit res.status(500) as an ERROR server span with no exception anywhere', async () => {
    const response = await app.get('/explicit-500');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
    expect(serverSpan(trace)!.attributes['http.response.status_code']).toBe(500);
    expect(spansWithExceptions(trace)).toEqual([]);
  });

  it('delivers pino lines written during the request as logs of the same trace, with span ids', async () => {
    const response = await app.get('/log');
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && t.logs.length > 0,
    );
    const [log] = trace.logs;
    expect(log!.body).toBe('payment declined');
    expect(log!.severityNumber).toBeGreaterThanOrEqual(17);
    expect(log!.attributes['orderId']).toBe(42);
    expect(trace.spans.map((span) => span.spanId)).toContain(log!.spanId);
  });

  it.each([
    ['/winston', 'winston says the payment failed'],
    ['/bunyan', 'bunyan says the payment failed'],
  ])('delivers the log line of %s as an ERROR log of the request trace', async (route, body) => {
    const response = await app.get(route);
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && t.logs.length > 0,
    );
    expect(trace.logs.map((log) => [log.severityNumber >= 17, log.body])).toEqual([[true, body]]);
    expect(trace.logs[0]!.spanId).not.toBeNull();
  });

  it('delivers console.error output written during the request as an ERROR log of its trace', async () => {
    const response = await app.get('/console');
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && t.logs.length > 0,
    );
    expect(trace.logs.map((log) => [log.severityText, log.body])).toEqual([['ERROR', 'console says boom']]);
  });
});
