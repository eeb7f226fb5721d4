import { afterEach, describe, expect, it } from 'vitest';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('bearer token', () => {
  it('refuses ingest and API without the right token, and accepts them with it', async () => {
    running = await startCollector({ token: 's3cret-token' });
    const { otlp, api } = running.collector;
    const payload = protobufBatch();
    const ingest = (authorization?: string) =>
      otlp.inject({
        method: 'POST',
        url: '/v1/traces',
        payload,
        headers: { 'content-type': 'application/x-protobuf', ...(authorization ? { authorization } : {}) },
      });
    expect((await ingest()).statusCode).toBe(401);
    expect((await ingest('Bearer wrong')).statusCode).toBe(401);
    expect((await ingest('Bearer s3cret-token')).statusCode).toBe(200);
    expect((await api.inject({ method: 'GET', url: '/api/services' })).statusCode).toBe(401);
    const allowed = await api.inject({
      method: 'GET',
      url: '/api/services',
      headers: { authorization: 'Bearer s3cret-token' },
    });
    expect(allowed.statusCode).toBe(200);
    // Probes stay open so an orchestrator can check the sidecar without the secret.
    expect((await api.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('CORS', () => {
  it('is off by default: no CORS headers on ingest', async () => {
    running = await startCollector();
    const response = await running.collector.otlp.inject({
      method: 'OPTIONS',
      url: '/v1/traces',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers the preflight of a browser OTLP exporter from an allowed origin only', async () => {
    running = await startCollector({ corsOrigins: ['https://app.example'] });
    const preflight = (origin: string) =>
      running!.collector.otlp.inject({
        method: 'OPTIONS',
        url: '/v1/traces',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.statusCode).toBeLessThan(300);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    const refused = await preflight('https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS with a token', () => {
  it("answers an allowed origin's preflight without the token (browsers send none), then needs it", async () => {
    running = await startCollector({ corsOrigins: ['https://app.example'], token: 'cors-token' });
    const preflight = await running.collector.otlp.inject({
      method: 'OPTIONS',
      url: '/v1/traces',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.statusCode).toBeLessThan(300);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    const post = (authorization?: string) =>
      running!.collector.otlp.inject({
        method: 'POST',
        url: '/v1/traces',
        payload: protobufBatch(),
        headers: {
          origin: 'https://app.example',
          'content-type': 'application/x-protobuf',
          ...(authorization ? { authorization } : {}),
        },
      });
    expect((await post()).statusCode).toBe(401);
    expect((await post('Bearer cors-token')).statusCode).toBe(200);
  });
});

describe('backpressure', () => {
  it('answers 503 with Retry-After when the writer is behind, and stores every batch it accepted', async () => {
    running = await startCollector({}, { maxPendingItems: 4 });
    const batches = Array.from({ length: 30 }, () => protobufBatch());
    const responses = await Promise.all(
      batches.map((payload) =>
        running!.collector.otlp.inject({
          method: 'POST',
          url: '/v1/traces',
          payload,
          headers: { 'content-type': 'application/x-protobuf' },
        }),
      ),
    );
    const refused = responses.filter((r) => r.statusCode === 503);
    const accepted = responses.filter((r) => r.statusCode === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length + accepted.length).toBe(30);
    for (const r of refused) expect(r.headers['retry-after']).toBe('1');
    const page = await running.collector.api.inject({ method: 'GET', url: '/api/traces?limit=100' });
    expect(page.json().traces).toHaveLength(accepted.length);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz with 200 once listening', async () => {
    running = await startCollector();
    expect((await running.collector.api.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await running.collector.api.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', backlog: 0 });
  });
});
