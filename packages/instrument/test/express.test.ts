import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { appForSuite, startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import {
  answered,
  exceptionEvents,
  exceptionsOf,
  hasServerSpan,
  serverSpan,
  settledSpansOf,
  spansWithExceptions,
} from './harness/trace-queries.js';

/** Routes that fail in the app's code: the route, the error's type and message. */
const HANDLER_ERRORS: Array<[string, string, string]> = [
  ['/throw', 'TypeError', "Cannot read properties of undefined (reading 'total')"],
  ['/reject', 'Error', 'rejected inside an async handler'],
  ['/next-error', 'Error', 'passed to next()'],
  ['/middleware-reject', 'Error', 'rejected inside an async middleware'],
];

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

  it.each(HANDLER_ERRORS)(
    'records the error of %s once, on the server span named by its route, as ERROR with its message, and makes no other span',
    async (route, type, message) => {
      const { trace, server } = await answered(collector, app, route, 500);
      expect(server.name).toBe(`GET ${route}`);
      expect(server.status).toEqual({ code: 'ERROR', message });
      expect(exceptionsOf(server)).toEqual([[type, message]]);
      expect(String(exceptionEvents(server)[0]!.attributes['exception.stacktrace'])).toContain(
        'express-app.cjs',
      );
      expect(trace.spans).toEqual([server]);
    },
  );

  it('traces a successful request as its server span alone, named by the route pattern under its mount pattern', async () => {
    const ours = await settledSpansOf(collector, app, '/tenants/acme/orders/7', 'faultline-test-apps');
    expect(
      ours.map((span) => [span.kind, span.name, span.attributes['http.route'], span.status.code]),
    ).toEqual([['SERVER', 'GET /tenants/:tenant/orders/:id', '/tenants/:tenant/orders/:id', 'UNSET']]);
  });

  it("records a handler's error and what a router's error handler replaced it with, in order; the status names the last", async () => {
    const { trace, server } = await answered(collector, app, '/tenants/acme/fail', 500);
    expect(server.name).toBe('GET /tenants/:tenant/fail');
    expect(exceptionsOf(server)).toEqual([
      ['RangeError', 'tenant quota exceeded'],
      ['Error', 'tenant acme: tenant quota exceeded'],
    ]);
    expect(server.status).toEqual({ code: 'ERROR', message: 'tenant acme: tenant quota exceeded' });
    expect(trace.spans).toEqual([server]);
  });

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

describe('the same Express app with FAULTLINE_EXPRESS_SPANS=full', () => {
  const full = appForSuite('express-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'orders-express-full',
    FAULTLINE_EXPRESS_SPANS: 'full',
  }));

  it.each(HANDLER_ERRORS)(
    "records the error of %s once, on instrumentation-express's span of the code that failed",
    async (route, type, message) => {
      const response = await full().get(route);
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
      expect(exceptionsOf(span!)).toEqual([[type, message]]);
      expect(String(exceptionEvents(span!)[0]!.attributes['exception.stacktrace'])).toContain(
        'express-app.cjs',
      );
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
      expect(serverSpan(trace)!.resource['service.name']).toBe('orders-express-full');
    },
  );
});

describe('an Express 4 app (no router channel) in the default light mode', () => {
  const express4 = appForSuite('../express4/app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'orders-express4',
  }));

  it("keeps instrumentation-express's spans: the route names the server span, the error is on the handler span", async () => {
    const response = await express4().get('/throw');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && spansWithExceptions(t).length > 0,
    );
    const [handler] = spansWithExceptions(trace);
    expect(handler!.attributes['express.type']).toBe('request_handler');
    expect(exceptionsOf(handler!)).toEqual([['TypeError', 'express 4 handler failed']]);
    expect(serverSpan(trace)!.name).toBe('GET /throw');
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
  });
});
