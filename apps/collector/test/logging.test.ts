import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { rawRequest } from './helpers/raw-http.js';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

/** A value only span data carries: it must never reach the log at `info`. */
const SPAN_SECRET = 'span-attr-value-5f1c9e';

let dir: string | undefined;
let proc: CollectorProcess | undefined;
afterEach(async () => {
  await killIfRunning(proc);
  proc = undefined;
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A span whose name, attribute and event all carry `SPAN_SECRET`. */
function secretSpans() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'logging' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const span = provider.getTracer('logging').startSpan(`GET /orders/${SPAN_SECRET}`, {
    kind: SpanKind.SERVER,
    attributes: { 'app.customer': SPAN_SECRET, 'http.response.status_code': 500 },
  });
  span.addEvent(SPAN_SECRET, { detail: SPAN_SECRET });
  span.end();
  return memory.getFinishedSpans();
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The JSON log lines in a process's output (the banner and other text skipped). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the collector log (CLI, default level info)', () => {
  it('says why a store write failed, logs refusals, and never writes span data', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-log-'));
    const dbPath = join(dir, 'faultline.db');
    proc = await spawnCollector(dbPath);
    const ingest = async (body: Buffer, contentType = 'application/x-protobuf') => {
      const response = await fetch(`http://127.0.0.1:${proc!.otlpHttpPort}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      await response.arrayBuffer();
      return response.status;
    };
    expect(await ingest(protobufBatch(secretSpans()))).toBe(200);

    // The store cannot write: another process holds the database locked.
    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    expect(await ingest(protobufBatch(secretSpans()))).toBe(503);
    locker.exec('ROLLBACK');
    locker.close();
    await until(() => proc!.output().includes('SQLITE_BUSY'), 'the store failure in the log');
    const failure = logLines(proc.output()).find((l) => String(l.msg).includes('SQLITE_BUSY'))!;
    expect(failure.level).toBe(50);
    expect(failure.msg).toContain(dbPath);
    expect(failure.msg).toContain('another process holds the database locked');

    // Refusals, each with span data in the request: a rebinding Host, a body that is not OTLP, a search.
    const rebound = await rawRequest(proc.port, 'GET /api/traces HTTP/1.1', { host: 'evil.example' });
    expect(rebound.status).toBe(403);
    expect(await ingest(Buffer.from(`{"resourceSpans":"${SPAN_SECRET}"}`), 'application/json')).toBe(400);
    const search = await fetch(
      `http://127.0.0.1:${proc.port}/api/traces?attr=app.customer=${SPAN_SECRET}&minDurationMs=${SPAN_SECRET}`,
    );
    expect(search.status).toBeLessThan(500);
    await until(() => proc!.output().includes('FL_ERR_BAD_OTLP'), 'the refusals in the log');
    const lines = logLines(proc.output());
    const host = lines.find((l) => l.code === 'FL_ERR_HOST_NOT_ALLOWED')!;
    expect(host).toMatchObject({ level: 40, statusCode: 403, route: '/api/traces' });
    expect(String(host.msg)).toContain('--allowed-hosts evil.example');
    expect(lines.find((l) => l.code === 'FL_ERR_BAD_OTLP')).toMatchObject({ level: 40, statusCode: 400 });

    expect(proc.output()).not.toContain(SPAN_SECRET);
  });
});

describe('the collector log (in process)', () => {
  it('writes a 500 as one error line a user can act on, and rate-limits a flood of refusals', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-log-'));
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const collector = await buildApp({
      ...DEFAULT_CONFIG,
      dbPath: join(dir, 'faultline.db'),
      port: 0,
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      uiDir: dir,
      logLevel: 'info',
    });
    collector.api.get('/boom', async () => {
      throw new Error('the disk controller caught fire');
    });
    try {
      const boom = await collector.api.inject({ method: 'GET', url: '/boom' });
      expect(boom.statusCode).toBe(500);
      expect(boom.json().message).toBe('internal error; see the collector log');
      for (let i = 0; i < 40; i++) {
        await collector.api.inject({
          method: 'GET',
          url: '/api/services',
          headers: { host: 'evil.example' },
        });
      }
    } finally {
      await collector.close();
    }
    const lines = logLines(written.join(''));
    const failed = lines.find((l) => l.msg === 'request failed')!;
    expect(failed).toMatchObject({ level: 50, statusCode: 500, route: '/boom' });
    expect((failed.err as { message: string }).message).toBe('the disk controller caught fire');
    const refusals = lines.filter((l) => l.code === 'FL_ERR_HOST_NOT_ALLOWED');
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThanOrEqual(5);
    expect(String(refusals.at(-1)!.msg)).toContain('counted, not logged');
  });
});
