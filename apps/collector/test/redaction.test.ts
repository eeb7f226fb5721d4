import { readFileSync } from 'node:fs';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite-store.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector();
});
afterAll(async () => {
  await running.stop();
});

describe('sensitive data', () => {
  it('is redacted at ingest: the secret never reaches the database file', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'auth' }),
      spanProcessors: [
        new SimpleSpanProcessor(
          new OTLPTraceExporter({ url: `http://127.0.0.1:${running.otlpHttpPort}/v1/traces` }),
        ),
      ],
    });
    const span = provider.getTracer('http').startSpan('POST /login', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.header.authorization': ['Bearer sk_live_SECRET_1'],
        'http.request.header.cookie': ['session=SECRET_2'],
        'app.password': 'SECRET_3',
        'url.full': 'https://auth.example/login?next=/home&token=SECRET_4',
        'http.route': '/login',
      },
    });
    span.end();
    await provider.shutdown();
    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${span.spanContext().traceId}`,
    });
    const stored = response.json().spans[0].attributes;
    expect(stored['http.request.header.authorization']).toBe('[REDACTED]');
    expect(stored['http.request.header.cookie']).toBe('[REDACTED]');
    expect(stored['app.password']).toBe('[REDACTED]');
    expect(stored['url.full']).toBe('https://auth.example/login?next=/home&token=[REDACTED]');
    expect(stored['http.route']).toBe('/login');
    (running.collector.store as SqliteStore).db.pragma('wal_checkpoint(TRUNCATE)');
    const file = readFileSync(running.dbPath).toString('latin1');
    expect(file).toContain('/login');
    expect(file).not.toMatch(/SECRET_\d/);
  });
});
