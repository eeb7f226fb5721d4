import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { randomHex, startApp, traceIdFromHeader } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { hasServerSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('http-server-app.cjs', {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-http-server' },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

/** The server span of the request this service answered (the one whose path is `path`). */
function entrySpan(trace: StoredTrace, path: string) {
  return trace.spans.find((span) => span.kind === 'SERVER' && span.attributes['url.path'] === path);
}

describe('HTTP server spans of a plain node:http app', () => {
  it('continue the caller trace and describe the request with stable semantic conventions', async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const response = await fetch(`${app.url}/search?q=shoes&sig=s3cr3t`, {
      headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, 'user-agent': 'faultline-test/1' },
    });
    expect(response.status).toBe(200);
    expect(traceIdFromHeader(response.headers.get('traceresponse'))).toBe(traceId);

    const trace = await collector.waitForTrace(traceId, hasServerSpan);
    const server = entrySpan(trace, '/search');
    expect(server).toBeDefined();
    expect(server!.parentSpanId).toBe(callerSpanId);
    expect(server!.name).toBe('GET');
    expect(server!.status.code).toBe('UNSET');
    const port = Number(new URL(app.url).port);
    expect(server!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/search',
      // A signature in the query string is not something to keep in a trace store.
      'url.query': 'q=shoes&sig=[REDACTED]',
      'server.address': '127.0.0.1',
      'server.port': port,
      'network.peer.address': '127.0.0.1',
      'network.protocol.version': '1.1',
      'user_agent.original': 'faultline-test/1',
      'http.response.status_code': 200,
    });
    // The traceresponse header names this very span.
    expect(response.headers.get('traceresponse')).toBe(`00-${traceId}-${server!.spanId}-01`);
  });

  it('runs body listeners, the work they start and response listeners inside the request trace', async () => {
    const traceId = randomHex(16);
    const response = await fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-${randomHex(8)}-01`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'A-17' }),
    });
    expect(response.status).toBe(201);

    const trace = await collector.waitForTrace(
      traceId,
      (t) =>
        entrySpan(t, '/orders') !== undefined &&
        entrySpan(t, '/stock/A-17') !== undefined &&
        t.logs.length >= 2,
    );
    const server = entrySpan(trace, '/orders')!;
    expect(server.attributes['http.response.status_code']).toBe(201);
    // The outgoing request made in the 'end' listener is a child of the request, and so is the
    // downstream server's span, through the traceparent that request carried.
    const client = trace.spans.find((span) => span.kind === 'CLIENT');
    expect(client?.parentSpanId).toBe(server.spanId);
    expect(entrySpan(trace, '/stock/A-17')!.parentSpanId).toBe(client!.spanId);
    // The log written in the 'end' listener and the access log written on 'finish' belong to the request.
    const bodies = trace.logs.map((log) => String(log.body));
    expect(bodies).toContain('order A-17 received');
    expect(bodies).toContain('access POST /orders 201');
    for (const log of trace.logs.filter((l) => String(l.body).includes('/orders'))) {
      expect(log.spanId).toBe(server.spanId);
    }
  });

  it('keeps each request of a keep-alive connection in its own trace', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (id: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const request = http.request(
          `${app.url}/orders`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (answer) => {
            answer.resume();
            answer.on('end', () => resolve(traceIdFromHeader(answer.headers['traceresponse'] as string)));
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify({ id }));
      });
    const [first, second] = [await send('K-1'), await send('K-2')];
    agent.destroy();
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    for (const [traceId, id] of [
      [first!, 'K-1'],
      [second!, 'K-2'],
    ] as const) {
      const trace = await collector.waitForTrace(traceId, (t) => t.logs.length >= 2 && hasServerSpan(t));
      const bodies = trace.logs.map((log) => String(log.body));
      expect(bodies).toContain(`order ${id} received`);
      expect(bodies.some((body) => body.includes(id === 'K-1' ? 'K-2' : 'K-1'))).toBe(false);
    }
  });

  it('marks a 5xx answer as ERROR and names the status as the error type', async () => {
    const traceId = randomHex(16);
    const response = await fetch(`${app.url}/orders`, {
      method: 'POST',
      headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` },
      body: JSON.stringify({ id: 'bad' }),
    });
    expect(response.status).toBe(502);
    const trace = await collector.waitForTrace(traceId, (t) => entrySpan(t, '/orders') !== undefined);
    const server = entrySpan(trace, '/orders')!;
    expect(server.status.code).toBe('ERROR');
    expect(server.attributes['error.type']).toBe('502');
  });

  it('records no status code for a request its caller gave up on before any answer', async () => {
    const traceId = randomHex(16);
    await expect(
      fetch(`${app.url}/slow`, {
        headers: { traceparent: `00-${traceId}-${randomHex(8)}-01` },
        signal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();
    const trace = await collector.waitForTrace(traceId, (t) => entrySpan(t, '/slow') !== undefined);
    const server = entrySpan(trace, '/slow')!;
    // Not the response's default 200: nothing was answered.
    expect(server.attributes['http.response.status_code']).toBeUndefined();
    expect(server.status.code).toBe('UNSET');
    expect(server.durationMs).toBeLessThan(1500);
  });

  it('serves under --require with no warning on stderr: nothing the running Node deprecates is used', async () => {
    // The suite runs on every supported Node line (pnpm test:node-versions); a warning there is a user's too.
    expect((await app.get('/search?q=hats')).status).toBe(200);
    const warnings = app.stderr().split('\n').filter((line) => /warning/i.test(line));
    expect(warnings).toEqual([]);
  });
});
