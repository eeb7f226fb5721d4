import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OtlpForwarder } from '../src/forward/otlp-forwarder.js';
import { makeFailingChain, makeLog } from './helpers/make-span.js';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

/** An upstream on loopback that refuses the first `refusals` requests with 503, then records bodies. */
async function upstream(refusals: number) {
  const received: { path: string; body: { resourceSpans?: unknown[]; resourceLogs?: unknown[] } }[] = [];
  let seen = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (seen++ < refusals) {
        response.writeHead(503).end();
        return;
      }
      received.push({ path: request.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let running: RunningCollector | undefined;
let server: Server | undefined;
afterEach(async () => {
  await running?.stop();
  server?.close();
  running = undefined;
  server = undefined;
});

describe('--forward', () => {
  it('re-exports what it received to the upstream, retrying while it refuses, and keeps its own copy', async () => {
    const up = await upstream(2);
    server = up.server;
    running = await startCollector({ forwardUrl: up.url });
    const response = await running.collector.otlp.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/x-protobuf' },
      payload: protobufBatch(),
    });
    expect(response.statusCode).toBe(200);
    const deadline = Date.now() + 10_000;
    while (up.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(up.received).toHaveLength(1);
    expect(up.received[0]!.path).toBe('/v1/traces');
    expect(JSON.stringify(up.received[0]!.body)).toContain('GET /orders/:id');
    expect(running.collector.forwarder!.stats).toMatchObject({ forwarded: 1, retries: 2, dropped: 0 });
    const { traces } = (await running.collector.api.inject({ method: 'GET', url: '/api/traces' })).json();
    expect(traces).toHaveLength(1);
  });

  it('holds at most its byte bound while the upstream is away, dropping the oldest', async () => {
    const dropped: number[] = [];
    // Port 9 on loopback: nothing listens there, so every attempt is refused.
    const forwarder = new OtlpForwarder({
      url: 'http://127.0.0.1:9',
      maxQueuedBytes: 20_000,
      initialBackoffMs: 10_000,
      onDrop: (_reason, requests) => dropped.push(requests),
    });
    for (let i = 0; i < 20; i++) {
      const spans = makeFailingChain();
      forwarder.forward(spans, [makeLog(spans[3]!, 'query failed')]);
    }
    expect(forwarder.stats.dropped).toBeGreaterThan(0);
    expect(forwarder.stats.queued).toBeLessThan(40);
    const started = Date.now();
    await forwarder.close(100);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(40);
  });
});
