import http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

/** Sockets per listener in this test; the collector's default is 1,024 (figures in the report). */
const CAP = 64;

let running: RunningCollector;
const opened: { destroy(): void }[] = [];
beforeAll(async () => {
  running = await startCollector({}, { maxConnections: CAP });
});
afterEach(() => {
  for (const socket of opened.splice(0)) socket.destroy();
});
afterAll(async () => {
  await running.stop();
});

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A keep-alive socket that made one request, was answered, and now sits idle. */
async function idleKeepAlive(port: number, request: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  opened.push(socket);
  socket.on('error', () => {});
  let answered = '';
  socket.on('data', (chunk) => (answered += chunk.toString('latin1')));
  socket.write(request);
  await until(() => answered.includes('\r\n\r\n') || socket.destroyed, 'an answer');
  expect(answered).toMatch(/^HTTP\/1\.1 [24]\d\d/);
  return socket;
}

const OTLP_REQUEST =
  'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}';
const HEALTH_REQUEST = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';

interface ListenerStats {
  open: number;
  busy: number;
  evicted: number;
  refused: number;
}

/** The connection counters /readyz reports per listener. */
async function connections(): Promise<Record<'api' | 'otlpHttp' | 'otlpGrpc', ListenerStats>> {
  const response = await fetch(`http://127.0.0.1:${running.port}/readyz`);
  return ((await response.json()) as { connections: Record<'api' | 'otlpHttp' | 'otlpGrpc', ListenerStats> })
    .connections;
}

async function exportOnce(): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${running.otlpHttpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: protobufBatch(),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('a listener full of idle keep-alive sockets', () => {
  it('OTLP/HTTP: a new exporter is served (the longest-idle socket makes room) and /healthz answers', async () => {
    const idle: Socket[] = [];
    const evictedBefore = (await connections()).otlpHttp.evicted;
    for (let i = 0; i < CAP; i++) idle.push(await idleKeepAlive(running.otlpHttpPort, OTLP_REQUEST));
    expect(await exportOnce()).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
    await until(
      () => idle[0]!.destroyed || idle[0]!.readyState === 'closed',
      'the oldest idle socket to close',
    );
    expect(idle.slice(1).every((s) => !s.destroyed)).toBe(true);
    expect((await connections()).otlpHttp.evicted).toBe(evictedBefore + 1);
  });

  it('UI port: /healthz and the API still answer', async () => {
    for (let i = 0; i < CAP; i++) await idleKeepAlive(running.port, HEALTH_REQUEST);
    expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${running.port}/api/services`)).status).toBe(200);
  });

  it('never evicts a socket with a request in flight: at the cap of busy sockets a new one is refused', async () => {
    const busy: Socket[] = [];
    for (let i = 0; i < CAP; i++) {
      const socket = connect(running.otlpHttpPort, '127.0.0.1');
      opened.push(socket);
      socket.on('error', () => {});
      // Headers sent, body promised but not sent: the request is in flight until the request timeout.
      socket.write(
        'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\n',
      );
      busy.push(socket);
    }
    await until(async () => (await connections()).otlpHttp.busy === CAP, 'every socket to be busy');
    await expect(exportOnce()).rejects.toThrow();
    expect(busy.every((s) => !s.destroyed)).toBe(true);
    // Once they go, ingest carries on (their close is seen by the collector a moment later).
    for (const socket of busy) socket.destroy();
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (status !== 200 && Date.now() < deadline) status = await exportOnce().catch(() => 0);
    expect(status).toBe(200);
  });
});

describe('OTLP/gRPC sessions', () => {
  it('are bounded: beyond the cap the longest-idle session is closed, and a new exporter is served', async () => {
    const sessions: http2.ClientHttp2Session[] = [];
    for (let i = 0; i < CAP + 16; i++) {
      const session = http2.connect(`http://127.0.0.1:${running.otlpGrpcPort}`);
      session.on('error', () => {});
      opened.push(session);
      sessions.push(session);
      await new Promise<void>((resolve) => {
        session.once('connect', () => resolve());
        session.once('close', () => resolve());
      });
    }
    const open = () => sessions.filter((s) => !s.closed && !s.destroyed).length;
    await until(() => open() <= CAP, `at most ${CAP} open sessions (open: ${open()})`);
    const client = new grpc.Client(`127.0.0.1:${running.otlpGrpcPort}`, grpc.credentials.createInsecure());
    const identity = (buffer: Buffer): Buffer => buffer;
    const code = await new Promise<grpc.status>((resolve) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        identity,
        identity,
        protobufBatch(),
        (error) => resolve(error ? error.code : grpc.status.OK),
      ),
    );
    client.close();
    expect(code).toBe(grpc.status.OK);
  });
});
