import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { rawRequest } from './helpers/raw-http.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector({
    allowedHosts: ['faultline.internal', '.corp.example'],
    publicUrl: 'https://traces.example.org/faultline',
  });
});
afterAll(async () => {
  await running.stop();
});

const identity = (buffer: Buffer): Buffer => buffer;

/** One OTLP/gRPC Export whose `:authority` is `authority`; resolves with the gRPC status code. */
function grpcExport(authority: string): Promise<grpc.status> {
  const client = new grpc.Client(`127.0.0.1:${running.otlpGrpcPort}`, grpc.credentials.createInsecure(), {
    'grpc.default_authority': authority,
  });
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      identity,
      identity,
      protobufBatch(),
      (error) => {
        client.close();
        resolve(error ? error.code : grpc.status.OK);
      },
    );
  });
}

describe('DNS rebinding: a Host the collector was not told about is refused', () => {
  it.each([
    ['the UI/API port', 'GET /api/traces HTTP/1.1', 'port'],
    ['the UI/API port (import)', 'POST /api/import HTTP/1.1', 'port'],
    ['the UI/API port (UI files)', 'GET / HTTP/1.1', 'port'],
    ['the OTLP/HTTP port', 'POST /v1/traces HTTP/1.1', 'otlpHttpPort'],
  ] as const)('on %s: 403 FL_ERR_HOST_NOT_ALLOWED', async (_name, requestLine, port) => {
    const response = await rawRequest(
      running[port],
      requestLine,
      { host: `evil.example:${running[port]}`, 'content-type': 'application/json' },
      requestLine.startsWith('POST') ? '{}' : '',
    );
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'FL_ERR_HOST_NOT_ALLOWED', statusCode: 403 });
    expect(JSON.parse(response.body).message).toContain('--allowed-hosts evil.example');
  });

  it('refuses an absolute-form target naming another host, whatever the Host header says', async () => {
    const response = await rawRequest(running.port, 'GET http://evil.example/api/traces HTTP/1.1');
    expect(response.status).toBe(403);
  });

  it('answers a protobuf OTLP request with a protobuf Status (PERMISSION_DENIED)', async () => {
    const response = await rawRequest(
      running.otlpHttpPort,
      'POST /v1/traces HTTP/1.1',
      { host: 'evil.example', 'content-type': 'application/x-protobuf' },
      protobufBatch(),
    );
    expect(response.status).toBe(403);
    expect(response.head.toLowerCase()).toContain('content-type: application/x-protobuf');
    expect(response.body.charCodeAt(0)).toBe(0x08);
    expect(response.body.charCodeAt(1)).toBe(7);
  });

  it.each(['localhost', '127.0.0.1', '[::1]', 'faultline.internal', 'ui.corp.example', 'traces.example.org'])(
    'answers Host %s (loopback, --allowed-hosts, --public-url)',
    async (name) => {
      const api = await rawRequest(running.port, 'GET /api/services HTTP/1.1', {
        host: `${name}:${running.port}`,
      });
      expect(api.status).toBe(200);
      const otlp = await rawRequest(
        running.otlpHttpPort,
        'POST /v1/traces HTTP/1.1',
        { host: name, 'content-type': 'application/x-protobuf' },
        protobufBatch(makeReadableSpans('allowed-host')),
      );
      expect(otlp.status).toBe(200);
    },
  );

  it('checks OTLP/gRPC :authority the same way', async () => {
    expect(await grpcExport('evil.example:4317')).toBe(grpc.status.PERMISSION_DENIED);
    expect(await grpcExport(`localhost:${running.otlpGrpcPort}`)).toBe(grpc.status.OK);
    expect(await grpcExport('faultline.internal:4317')).toBe(grpc.status.OK);
  });
});
