import { existsSync, readFileSync } from 'node:fs';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
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

  // Every secret carries a marker S3CR3T<n>X; none may be found in the database or its WAL.
  const SPAN_ATTRIBUTES: Record<string, string | string[]> = {
    'url.query': 'page=2&token=S3CR3T1X',
    'url.full': 'https://bob:S3CR3T2X@api.example/login#access_token=S3CR3T3X&state=ok',
    'http.request.header.referer': ['https://app.example/cb?code=S3CR3T4X&state=ok'],
    'http.url': 'https://b.s3.amazonaws.com/k?X-Amz-Signature=S3CR3T5X&X-Amz-Date=20260101',
    'url.original': '/oauth?client_id=web&client_secret=S3CR3T6X&id_token=S3CR3T7X&access%5Ftoken=S3CR3T8X',
    'db.statement': "ALTER ROLE app WITH LOGIN PASSWORD 'S3CR3T9X'",
    'db.query.text': "CREATE USER 'u'@'%' IDENTIFIED BY 'S3CR3T10X'",
    'db.connection_string': 'Server=db;User Id=sa;Password=S3CR3T11X',
    'app.config': 'DATABASE_URL=postgres://app:S3CR3T12X@db:5432/orders',
    'aws.secret_access_key': 'S3CR3T13X',
    userPassword: 'S3CR3T14X',
    credentials: 'S3CR3T15X',
    jwt: 'S3CR3T16X',
    session_id: 'S3CR3T17X',
    'app.note': 'called with Authorization: Bearer S3CR3T18Xabcdef',
    'http.route': '/login',
  };

  it('keeps every credential a reviewer listed off disk: spans, events, resources, logs (database and WAL)', async () => {
    const url = `http://127.0.0.1:${running.otlpHttpPort}`;
    const resource = resourceFromAttributes({
      'service.name': 'auth',
      'env.DATABASE_URL': 'postgres://app:S3CR3T19X@db/orders',
      'process.command_line': 'node server.js --api-key=S3CR3T20X --port=3000',
    });
    const provider = new BasicTracerProvider({
      resource,
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))],
    });
    const span = provider.getTracer('http').startSpan('POST /login', {
      kind: SpanKind.SERVER,
      attributes: SPAN_ATTRIBUTES,
    });
    span.addEvent('exception', {
      'exception.message': 'connect to mysql://root:S3CR3T21X@db failed',
      'exception.stacktrace': 'Error: token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.S3CR3T22X',
    });
    span.end();
    await provider.shutdown();
    const loggers = new LoggerProvider({
      resource,
      processors: [
        new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${url}/v1/logs` }) }),
      ],
    });
    const context = trace.setSpanContext(ROOT_CONTEXT, span.spanContext());
    const logger = loggers.getLogger('pino');
    logger.emit({ body: 'login failed: password=S3CR3T23X user=bob', context });
    logger.emit({ body: { user: 'bob', credentials: { password: 'S3CR3T24X' } }, context });
    logger.emit({
      body: 'db',
      attributes: { 'db.connection_string': 'S3CR3T25X', note: 'sig=S3CR3T26X' },
      context,
    });
    await loggers.forceFlush();
    await loggers.shutdown();

    const response = await running.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${span.spanContext().traceId}`,
    });
    const stored = response.json();
    expect(stored.logs).toHaveLength(3);
    expect(stored.spans[0].attributes['url.query']).toBe('page=2&token=[REDACTED]');
    expect(stored.spans[0].attributes['db.statement']).toBe(
      "ALTER ROLE app WITH LOGIN PASSWORD '[REDACTED]'",
    );
    expect(JSON.stringify(stored)).not.toMatch(/S3CR3T\d+X/);

    const onDisk = () =>
      [running.dbPath, `${running.dbPath}-wal`]
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file).toString('latin1'))
        .join('\n');
    // Before a checkpoint the rows are in the WAL; after it, in the database file.
    const beforeCheckpoint = onDisk();
    expect(beforeCheckpoint).toContain('ALTER ROLE app');
    expect(beforeCheckpoint).not.toMatch(/S3CR3T\d+X/);
    (running.collector.store as SqliteStore).db.pragma('wal_checkpoint(TRUNCATE)');
    const afterCheckpoint = onDisk();
    expect(afterCheckpoint).toContain('ALTER ROLE app');
    expect(afterCheckpoint).not.toMatch(/S3CR3T\d+X/);
  });

  it('adds --redact-pattern to the defaults instead of replacing them, and --redact-keep takes a key out', async () => {
    const own = await startCollector({ redactPatterns: [/^ssn$/i], redactKeep: ['session.id'] });
    try {
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'auth' }),
        spanProcessors: [
          new SimpleSpanProcessor(
            new OTLPTraceExporter({ url: `http://127.0.0.1:${own.otlpHttpPort}/v1/traces` }),
          ),
        ],
      });
      const span = provider.getTracer('http').startSpan('POST /login', {
        attributes: {
          ssn: 'S3CR3T30X',
          'http.request.header.authorization': ['Bearer S3CR3T31X'],
          'http.request.header.cookie': ['sid=S3CR3T32X'],
          'app.password': 'S3CR3T33X',
          'session.id': 'kept-session-1',
        },
      });
      span.end();
      await provider.shutdown();
      const stored = (
        await own.collector.api.inject({ method: 'GET', url: `/api/traces/${span.spanContext().traceId}` })
      ).json().spans[0].attributes;
      expect(stored['session.id']).toBe('kept-session-1');
      (own.collector.store as SqliteStore).db.pragma('wal_checkpoint(TRUNCATE)');
      const file = readFileSync(own.dbPath).toString('latin1');
      expect(file).toContain('kept-session-1');
      expect(file).not.toMatch(/S3CR3T\d+X/);
    } finally {
      await own.stop();
    }
  });
});
