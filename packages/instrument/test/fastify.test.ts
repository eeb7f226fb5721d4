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

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('fastify-app.cjs', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-fastify' },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

/** Routes whose handler fails: the route, the error's type and message. */
const HANDLER_ERRORS: Array<[string, string, string]> = [
  ['/throw', 'TypeError', "Cannot read properties of undefined (reading 'total')"],
  ['/reject', 'Error', 'rejected inside an async handler'],
];

describe('a Fastify app started with --require @faultline/instrument/register', () => {
  it.each(HANDLER_ERRORS)(
    'records the error of %s on the server span of the route, as ERROR with its message, and makes no other span',
    async (route, type, message) => {
      const { trace, server } = await answered(collector, app, route, 500);
      expect(server.name).toBe(`GET ${route}`);
      expect(server.status).toEqual({ code: 'ERROR', message });
      expect(exceptionEvents(server).map((event) => event.attributes['exception.type'])).toEqual([type]);
      expect(server.resource['service.name']).toBe('orders-fastify');
      expect(trace.spans).toEqual([server]);
    },
  );

  it('marks reply.code(500) as an ERROR server span with no exception anywhere', async () => {
    const response = await app.get('/explicit-500');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
    expect(spansWithExceptions(trace)).toEqual([]);
  });

  it('adds traceresponse to a response written with raw writeHead, and it names the server span', async () => {
    const { response, trace, server } = await answered(collector, app, '/write-head-500', 500);
    expect(response.headers.get('traceresponse')).toBe(`00-${trace.traceId}-${server.spanId}-01`);
  });

  it('traces a successful request as its server span alone, named GET /orders/:id with http.route', async () => {
    const ours = await settledSpansOf(collector, app, '/orders/42', 'orders-fastify');
    expect(
      ours.map((span) => [span.kind, span.name, span.attributes['http.route'], span.status.code]),
    ).toEqual([['SERVER', 'GET /orders/:id', '/orders/:id', 'UNSET']]);
  });

  it.each([
    ['/hook-throws', 'an onRequest hook', 'TypeError', 'session store unavailable'],
    ['/pre-handler-error', 'a preHandler calling done(err)', 'RangeError', 'quota lookup failed'],
    [
      '/plugin-hook-throws',
      'a hook under an async error handler that rethrows',
      'Error',
      'plugin hook failed',
    ],
  ])(
    'records the error of %s (%s) once, on the server span of the 500, as ERROR with its message',
    async (route, _what, type, message) => {
      const { trace, server } = await answered(collector, app, route, 500);
      expect(server.name).toBe(`GET ${route}`);
      expect(server.status).toEqual({ code: 'ERROR', message });
      expect(exceptionsOf(server)).toEqual([[type, message]]);
      expect(spansWithExceptions(trace)).toEqual([server]);
      // The handler never ran: no handler span takes the blame.
      expect(trace.spans.filter((span) => span.attributes['fastify.type'] === 'request-handler')).toEqual([]);
    },
  );

  it.each([
    ['/search', 'a schema validation failure', 400],
    ['/not-found-error', 'a handler error carrying statusCode 404', 404],
  ])('leaves %s (%s) unmarked: no ERROR, no exception, no handler span', async (route, _what, status) => {
    const { trace, server } = await answered(collector, app, route, status);
    expect(server.attributes['http.response.status_code']).toBe(status);
    expect(server.status.code).not.toBe('ERROR');
    expect(spansWithExceptions(trace)).toEqual([]);
    expect(trace.spans.map((span) => span.kind)).toEqual(['SERVER']);
  });

  it.each([
    ['/plugin-throw', 'thrown by the handler', 'TypeError', 'plugin handler failed'],
    ['/plugin-send-error', 'sent by the handler', 'Error', 'sent, not thrown'],
  ])(
    "records the handler's error (%s, %s) and what an async error handler rethrew, in that order, on the server span",
    async (route, _how, type, message) => {
      const { trace, server } = await answered(collector, app, route, 500);
      expect(exceptionsOf(server)).toEqual([
        [type, message],
        ['Error', `orders plugin: ${message}`],
      ]);
      // The status names the error that decided the answer.
      expect(server.status).toEqual({ code: 'ERROR', message: `orders plugin: ${message}` });
      expect(trace.spans).toEqual([server]);
    },
  );
});

describe('the same Fastify app with FAULTLINE_FASTIFY_SPANS=full', () => {
  const full = appForSuite('fastify-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'orders-fastify-full',
    FAULTLINE_FASTIFY_SPANS: 'full',
  }));

  it.each(HANDLER_ERRORS)(
    'records the error of %s on the route handler span as ERROR with its message',
    async (route, type, message) => {
      const { trace } = await answered(collector, full(), route, 500);
      const handler = trace.spans.find((span) => span.attributes['fastify.type'] === 'request-handler');
      expect(handler?.status).toEqual({ code: 'ERROR', message });
      expect(exceptionEvents(handler!).map((event) => event.attributes['exception.type'])).toEqual([type]);
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
      expect(serverSpan(trace)!.resource['service.name']).toBe('orders-fastify-full');
    },
  );

  it("has @fastify/otel's spans back: a successful request has its handler span", async () => {
    const { trace } = await answered(collector, full(), '/orders/42', 200);
    const handler = trace.spans.find((span) => span.attributes['fastify.type'] === 'request-handler');
    expect(handler?.name).toBe('handler - getOrder');
    expect(handler?.resource['service.name']).toBe('orders-fastify-full');
  });
});

describe('a Fastify 4 app (no handler channel) in the default light mode', () => {
  const fastify4 = appForSuite('../fastify4/app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'orders-fastify4',
  }));

  it('is really Fastify 4', async () => {
    const response = await fastify4().get('/version');
    expect(JSON.parse(response.body).version).toMatch(/^4\./);
  });

  it("falls back to @fastify/otel: a successful request's server span is named by its route, with http.route", async () => {
    const { trace, server } = await answered(collector, fastify4(), '/orders/42', 200);
    expect([server.name, server.attributes['http.route'], server.status.code]).toEqual([
      'GET /orders/:id',
      '/orders/:id',
      'UNSET',
    ]);
    const handler = trace.spans.find((span) => span.attributes['fastify.type'] === 'request-handler');
    expect(handler?.name).toBe('handler - getOrder');
  });

  it("records a handler's error on @fastify/otel's handler span; the server span is ERROR and named by its route", async () => {
    const response = await fastify4().get('/throw');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && spansWithExceptions(t).length > 0,
    );
    const handler = trace.spans.find((span) => span.attributes['fastify.type'] === 'request-handler');
    expect(handler?.name).toBe('handler - loadOrder');
    expect(handler?.status).toEqual({ code: 'ERROR', message: 'fastify 4 handler failed' });
    expect(exceptionsOf(handler!)).toEqual([['TypeError', 'fastify 4 handler failed']]);
    expect(serverSpan(trace)!.name).toBe('GET /throw');
    expect(serverSpan(trace)!.attributes['http.route']).toBe('/throw');
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
  });

  it("records a hook's error on the hook's span; the server span is ERROR and named by its route", async () => {
    const response = await fastify4().get('/hook-throws');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && spansWithExceptions(t).length > 0,
    );
    expect(spansWithExceptions(trace).flatMap(exceptionsOf)).toContainEqual([
      'RangeError',
      'fastify 4 hook failed',
    ]);
    expect(serverSpan(trace)!.name).toBe('GET /hook-throws');
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
  });
});
