import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type Collector } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { jsonBatch, makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { rawRequest } from './helpers/raw-http.js';

const TOKEN = 'bypass-test-token';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let dir: string;
let collector: Collector;
let ports: { port: number; otlpHttpPort: number; otlpGrpcPort: number };
/** A trace stored with the token before the attempts, which none of them may read. */
let storedTraceId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-bypass-'));
  const uiDir = join(dir, 'ui');
  mkdirSync(join(uiDir, 'assets'), { recursive: true });
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(uiDir, 'assets', 'app.js'), 'console.log("ui")');
  collector = await buildApp({
    ...DEFAULT_CONFIG,
    dbPath: join(dir, 'faultline.db'),
    port: 0,
    otlpHttpPort: 0,
    otlpGrpcPort: 0,
    uiDir,
    token: TOKEN,
    logLevel: 'silent',
  });
  // Routes added after the collector is built, by someone who never thought about auth.
  collector.api.get('/internal/dump', async () => ({ secret: 'dumped' }));
  collector.api.post('/api/later', async () => ({ secret: 'later' }));
  collector.otlp.post('/v2/traces', async () => ({ secret: 'v2' }));
  ports = await collector.listen();
  const spans = makeReadableSpans('bypass');
  storedTraceId = spans[0]!.spanContext().traceId;
  const stored = await fetch(`http://127.0.0.1:${ports.otlpHttpPort}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', ...AUTH },
    body: protobufBatch(spans),
  });
  expect(stored.status).toBe(200);
});
afterAll(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many traces the store holds, asked with the token. */
async function traceCount(): Promise<number> {
  const page = await fetch(`http://127.0.0.1:${ports.port}/api/traces?limit=100`, { headers: AUTH });
  return ((await page.json()) as { traces: unknown[] }).traces.length;
}

describe('the bearer token cannot be bypassed on the UI/API port', () => {
  it.each([
    'GET /%61pi/traces HTTP/1.1',
    'GET /%61%70%69/traces HTTP/1.1',
    'GET /api/%74races HTTP/1.1',
    'GET /%61pi/services HTTP/1.1',
    'GET http://127.0.0.1/api/traces HTTP/1.1',
    'GET HTTP://127.0.0.1/%61pi/traces HTTP/1.1',
    'HEAD /api/traces HTTP/1.1',
    'GET /api/traces HTTP/1.0',
  ])('%s answers 401', async (requestLine) => {
    const response = await rawRequest(ports.port, requestLine);
    expect(response.status).toBe(401);
    expect(response.body).not.toContain(storedTraceId);
  });

  it.each([
    'GET //api/traces HTTP/1.1',
    'GET /api//traces HTTP/1.1',
    'GET /./api/traces HTTP/1.1',
    'GET /x/../api/traces HTTP/1.1',
    'GET /api/traces;x HTTP/1.1',
    'GET /API/traces HTTP/1.1',
    'GET /api/traces%00 HTTP/1.1',
    'GET /api/traces%2f HTTP/1.1',
    'OPTIONS /api/traces HTTP/1.1',
  ])('%s reveals no stored data (a refusal, a 404 or the UI page)', async (requestLine) => {
    const response = await rawRequest(ports.port, requestLine);
    const uiPage = response.status === 200 && response.body.includes('<title>ui</title>');
    expect(uiPage || [400, 401, 404].includes(response.status)).toBe(true);
    expect(response.body).not.toContain(storedTraceId);
    expect(response.body).not.toContain('bypass');
  });

  it('POST /%61pi/import answers 401 and stores nothing', async () => {
    const before = await traceCount();
    const spans = makeReadableSpans('imported-without-token');
    const response = await rawRequest(
      ports.port,
      'POST /%61pi/import HTTP/1.1',
      { 'content-type': 'application/json' },
      JSON.stringify(jsonBatch(spans)),
    );
    expect(response.status).toBe(401);
    expect(await traceCount()).toBe(before);
  });

  it('guards a route registered later without any thought about auth', async () => {
    for (const [method, path] of [
      ['GET', '/internal/dump'],
      ['GET', '/%69nternal/dump'],
      ['POST', '/api/later'],
    ] as const) {
      const refused = await rawRequest(ports.port, `${method} ${path} HTTP/1.1`);
      expect(refused.status).toBe(401);
      expect(refused.body).not.toContain('secret');
    }
    const allowed = await fetch(`http://127.0.0.1:${ports.port}/internal/dump`, { headers: AUTH });
    expect(await allowed.json()).toEqual({ secret: 'dumped' });
  });

  it('keeps the UI files open: a browser loads them before it has the token', async () => {
    for (const requestLine of [
      'GET / HTTP/1.1',
      'HEAD / HTTP/1.1',
      'GET /index.html HTTP/1.1',
      'GET /assets/app.js HTTP/1.1',
      `GET /traces/${'ab'.repeat(16)} HTTP/1.1`,
    ]) {
      expect((await rawRequest(ports.port, requestLine)).status, requestLine).toBe(200);
    }
    const deepLink = await rawRequest(ports.port, 'GET /traces/x HTTP/1.1');
    expect(deepLink.body).toContain('<title>ui</title>');
  });

  it('keeps the probes open, and a 404 says nothing stored', async () => {
    expect((await rawRequest(ports.port, 'GET /healthz HTTP/1.1')).status).toBe(200);
    expect((await rawRequest(ports.port, 'GET /readyz HTTP/1.1')).status).toBe(200);
    const missing = await rawRequest(ports.port, `GET /api/traces/${storedTraceId}/nothing HTTP/1.1`);
    expect(missing.status).toBe(404);
    expect(missing.body).not.toContain('bypass');
  });
});

describe('the bearer token cannot be bypassed on the OTLP ports', () => {
  it.each([
    'POST /v%31/traces HTTP/1.1',
    'POST /v1/%74races HTTP/1.1',
    'POST /%76%31/traces HTTP/1.1',
    'POST http://127.0.0.1/v1/traces HTTP/1.1',
    'POST /v%31/logs HTTP/1.1',
  ])('%s answers 401 and stores nothing', async (requestLine) => {
    const before = await traceCount();
    const response = await rawRequest(
      ports.otlpHttpPort,
      requestLine,
      { 'content-type': 'application/x-protobuf' },
      protobufBatch(makeReadableSpans('ingested-without-token')),
    );
    expect(response.status).toBe(401);
    expect(await traceCount()).toBe(before);
  });

  it('guards an OTLP route registered later', async () => {
    const response = await rawRequest(ports.otlpHttpPort, 'POST /v2/traces HTTP/1.1');
    expect(response.status).toBe(401);
    expect(response.body).not.toContain('secret');
  });

  it('OTLP/gRPC refuses an export without the token and takes one with it', async () => {
    const exportWith = (headers: Record<string, string>) => {
      const metadata = new grpc.Metadata();
      for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
      const exporter = new GrpcTraceExporter({ url: `http://127.0.0.1:${ports.otlpGrpcPort}`, metadata });
      return new Promise<number>((resolve) =>
        exporter.export(makeReadableSpans('grpc'), (result) => {
          void exporter.shutdown();
          resolve(result.code);
        }),
      );
    };
    const before = await traceCount();
    expect(await exportWith({})).toBe(ExportResultCode.FAILED);
    expect(await exportWith({ authorization: 'Bearer wrong' })).toBe(ExportResultCode.FAILED);
    expect(await traceCount()).toBe(before);
    expect(await exportWith(AUTH)).toBe(ExportResultCode.SUCCESS);
  });
});
