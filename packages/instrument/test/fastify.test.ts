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
  app = await startApp('fastify-app.cjs', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-fastify' },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

describe('a Fastify app started with --require @faultline/instrument/register', () => {
  it.each([
    ['/throw', 'TypeError', "Cannot read properties of undefined (reading 'total')"],
    ['/reject', 'Error', 'rejected inside an async handler'],
  ])(
    'records the error of %s on the route handler span as ERROR with its message',
    async (route, type, message) => {
      const response = await app.get(route);
      expect(response.status).toBe(500);
      const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
      const handler = trace.spans.find((span) => span.attributes['fastify.type'] === 'request-handler');
      expect(handler?.status).toEqual({ code: 'ERROR', message });
      expect(exceptionEvents(handler!).map((event) => event.attributes['exception.type'])).toEqual([type]);
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
      expect(serverSpan(trace)!.resource['service.name']).toBe('orders-fastify');
    },
  );

  it('marks reply.code(500) as an ERROR server span with no exception anywhere', async () => {
    const response = await app.get('/explicit-500');
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
    expect(spansWithExceptions(trace)).toEqual([]);
  });

  it('adds traceresponse to a response written with raw writeHead, and it names the server span', async () => {
    const response = await app.get('/write-head-500');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(response.headers.get('traceresponse')).toBe(`00-${trace.traceId}-${serverSpan(trace)!.spanId}-01`);
  });
});
