import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('express-esm-app.mjs', {
    preload: 'faultline-import',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-esm' },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

describe('an ES-module Express app started with --import @faultline/instrument/register', () => {
  it('starts with no warning on stderr: the loader hook uses no API the running Node deprecates', async () => {
    // Node 26 deprecates module.register() (DEP0205) and warned at every start while it was used.
    expect((await app.get('/ok')).status).toBe(200);
    const warnings = app
      .stderr()
      .split('\n')
      .filter((line) => /warning/i.test(line));
    expect(warnings).toEqual([]);
  });

  it('traces statically imported express: the thrown error is on the server span named by its route', async () => {
    const response = await app.get('/throw');
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(server.name).toBe('GET /throw');
    expect(server.status.code).toBe('ERROR');
    expect(exceptionEvents(server).map((event) => event.attributes['exception.type'])).toEqual(['TypeError']);
    expect(server.resource['service.name']).toBe('orders-esm');
  });

  it('patches statically imported pino: its lines arrive as logs of the request trace', async () => {
    const response = await app.get('/log');
    const trace = await collector.waitForTrace(
      response.traceId!,
      (t) => hasServerSpan(t) && t.logs.length > 0,
    );
    expect(trace.logs.map((log) => log.body)).toEqual(['stock lookup failed']);
    expect(trace.logs[0]!.traceId).toBe(trace.traceId);
  });

  it('patches statically imported better-sqlite3: the query is a span of the request', async () => {
    const response = await app.get('/sqlite');
    expect(response.status).toBe(200);
    const trace = await collector.waitForTrace(response.traceId!, (t) =>
      t.spans.some((span) => span.attributes['db.system.name'] === 'sqlite'),
    );
    const query = trace.spans.find((span) => span.attributes['db.system.name'] === 'sqlite')!;
    expect(query.attributes['db.query.text']).toBe('SELECT count(*) AS n FROM orders');
  });
});
