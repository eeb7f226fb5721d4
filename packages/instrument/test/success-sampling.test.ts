import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let app: AppProcess;

beforeAll(async () => {
  collector = await startCollector();
  app = await startApp('fastify-app.cjs', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'busy-fastify',
      FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await collector?.stop();
});

interface SearchPage {
  traces: { traceId: string; httpStatusCode: number | null }[];
}

describe('a busy service (successful traces sampled past 5 a second)', () => {
  it('exports every failing request whole and only a share of the successful ones, marked with their weight', async () => {
    const sent = 1200;
    let next = 0;
    const okTraceIds: string[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < sent) {
          next += 1;
          const response = await app.get('/ok');
          expect(response.status).toBe(200);
          okTraceIds.push(response.traceId!);
        }
      }),
    );
    const failures = [await app.get('/throw'), await app.get('/reject'), await app.get('/throw')];
    for (const failure of failures) {
      expect(failure.status).toBe(500);
      const trace = await collector.waitForTrace(failure.traceId!, hasServerSpan);
      expect(exceptionEvents(serverSpan(trace)!)).toHaveLength(1);
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
      expect(trace.diagnosis).not.toBeNull();
    }
    await app.stop(); // flushes what is left

    const page = (await (
      await fetch(`${collector.apiUrl}/api/traces?service=busy-fastify&status=200&limit=1000`)
    ).json()) as SearchPage;
    const stored = new Set(page.traces.map((t) => t.traceId));
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(sent / 2);
    expect(okTraceIds.filter((id) => stored.has(id))).toHaveLength(stored.size);
    // Past the first second the kept ones each stand for 2^k requests.
    const weights = await Promise.all(
      [...stored].map(async (traceId) => {
        const trace = await collector.waitForTrace(traceId, hasServerSpan);
        return serverSpan(trace)!.attributes['faultline.sampling.adjusted_count'];
      }),
    );
    expect(weights.some((weight) => typeof weight === 'number' && weight >= 2)).toBe(true);
  }, 60_000);
});
