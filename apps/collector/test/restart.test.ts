import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

let dir: string;
let proc: CollectorProcess | undefined;
afterEach(async () => {
  await killIfRunning(proc);
  rmSync(dir, { recursive: true, force: true });
});

describe('a collector restart while a service keeps exporting', () => {
  it('loses nothing when it is back within 5 s: the SDK batch processor and exporter retries land every span', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-restart-'));
    const dbPath = join(dir, 'faultline.db');
    proc = await spawnCollector(dbPath);
    const ports = { port: proc.port, otlpHttpPort: proc.otlpHttpPort, otlpGrpcPort: proc.otlpGrpcPort };
    // A service as the SDK runs it: spans go through a BatchSpanProcessor to the OTLP/HTTP exporter.
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'restarting' }),
      spanProcessors: [
        new BatchSpanProcessor(
          new OTLPTraceExporter({ url: `http://127.0.0.1:${ports.otlpHttpPort}/v1/traces` }),
          {
            scheduledDelayMillis: 200,
          },
        ),
      ],
    });
    const tracer = provider.getTracer('restart-test');
    const sent: string[] = [];
    const requestsFor = async (ms: number) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const span = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER });
        span.end();
        sent.push(span.spanContext().traceId);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await requestsFor(1000);
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    await requestsFor(2000); // the collector is down for these two seconds
    proc = await spawnCollector(dbPath, {}, ports);
    await requestsFor(1000);
    await provider.forceFlush();
    await provider.shutdown();
    const missing: string[] = [];
    for (const traceId of sent) {
      const response = await fetch(`http://127.0.0.1:${ports.port}/api/traces/${traceId}`);
      if (response.status !== 200) missing.push(traceId);
    }
    expect(sent.length).toBeGreaterThan(100);
    expect(missing, `${missing.length} of ${sent.length} spans lost`).toEqual([]);
  }, 60_000);
});
