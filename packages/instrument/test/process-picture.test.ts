import { readFileSync } from 'node:fs';
import type { WireSpan } from '@faultline/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appForSuite, randomHex } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionsOf, hasServerSpan, serverSpan } from './harness/trace-queries.js';

/*
 * The process picture on real processes (issue 24): a service that blocks its event loop while a
 * caller with a short timeout waits, one whose heap fills up to its limit, one busy with a CPU-bound
 * burst, and a healthy one under ordinary load. Each reads the `faultline.process.*` attributes of
 * the server spans Faultline exported.
 */

let collector: RunningCollector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.stop();
});

const P = 'faultline.process.';
const figure = (span: WireSpan, name: string): number => {
  const value = span.attributes[`${P}${name}`];
  if (typeof value !== 'number')
    throw new Error(`${span.name} has no ${P}${name}: ${JSON.stringify(span.attributes)}`);
  return value;
};

/**
 * CPU seconds a process has used, from /proc (user plus system clock ticks, 100 a second on Linux):
 * an account of its CPU kept by the kernel, to hold the picture's figure against.
 */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A trace id no share below 1 keeps when its trace succeeds (the top bits of its random part are 0). */
const idNeverSampled = () => `${randomHex(9)}00000000${randomHex(3)}`;

/** Sends `count` ordinary requests at once-ish, so the success sampler keeps only a share of them. */
async function burst(url: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const response = await fetch(`${url}/quote`);
      expect(response.status).toBe(200);
      await response.text();
    }),
  );
}

describe('a service whose caller gave up on it, under success sampling', () => {
  const pricing = appForSuite('saturation-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'pricing-abandoned',
    FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '1',
  }));

  it('keeps the request whose caller timed out though it answered 200 later: the callee side of the timeout', async () => {
    const app = pricing();
    await burst(app.url, 40);
    const traceId = idNeverSampled();
    await expect(app.get('/quote?wait=600', { traceId, timeoutMs: 150 })).rejects.toThrow(/abort|timeout/i);
    const trace = await collector.waitForTrace(traceId, hasServerSpan);
    const server = serverSpan(trace)!;
    // Ended as the connection closed, before any answer: no status code to report, and no weight
    // of a sampled request (it was kept for what happened to it).
    expect(server.name).toBe('GET');
    expect(server.attributes['url.path']).toBe('/quote');
    expect(server.attributes['http.response.status_code']).toBeUndefined();
    expect(server.attributes['faultline.sampling.adjusted_count']).toBeUndefined();
    expect(figure(server, 'active_requests')).toBeGreaterThanOrEqual(1);
  });
});

describe('a service that blocks its event loop while a caller with a short timeout waits', () => {
  const pricing = appForSuite('saturation-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'pricing-blocked',
    FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '1',
  }));

  it('exports the waiting request, started late, with the ~1.2 s block in its process picture', async () => {
    const app = pricing();
    await burst(app.url, 40);
    // The rebuild's headers arrive as its synchronous work begins: from here the loop is stuck.
    const rebuild = await fetch(`${app.url}/rebuild?ms=1200`);
    expect(rebuild.status).toBe(200);
    // Two callers give up after 300 ms: one on a handler that awaits before it answers, one on a
    // handler that answers in the turn it reads the request (so it answers before it can read that
    // its caller has gone, and looks served).
    const calls = ['/quote', '/price'].map((path) => ({ path, traceId: idNeverSampled() }));
    const calledAt = Date.now();
    await Promise.all(
      calls.map(({ path, traceId }) =>
        expect(app.get(path, { traceId, timeoutMs: 300 })).rejects.toThrow(/abort|timeout/i),
      ),
    );
    expect(await rebuild.text()).toContain('rebuilt');

    for (const { path, traceId } of calls) {
      const trace = await collector.waitForTrace(traceId, hasServerSpan);
      const server = serverSpan(trace)!;
      expect(server.attributes['url.path']).toBe(path);
      // It began only once the block was over, long after the caller had given up on it.
      expect(Number(BigInt(server.startTimeUnixNano) / 1_000_000n)).toBeGreaterThanOrEqual(calledAt + 800);
      // Kept though the sampler would not have kept it: its handler saw the caller gone before it
      // answered (no status), or answered into a connection the caller had closed (kept as caught in
      // the stall); either way it stands for itself, not for a share.
      expect([undefined, 200]).toContain(server.attributes['http.response.status_code']);
      expect(server.attributes['faultline.sampling.adjusted_count']).toBeUndefined();
      expect(figure(server, 'eventloop.delay_max_ms')).toBeGreaterThanOrEqual(800);
      expect(figure(server, 'eventloop.delay_max_ms')).toBeLessThan(10_000);
      expect(figure(server, 'window_ms')).toBeGreaterThan(0);
      expect(figure(server, 'window_ms')).toBeLessThanOrEqual(4500);
      expect(figure(server, 'eventloop.utilization')).toBeGreaterThan(0.2);
      expect(figure(server, 'cpu.count')).toBeGreaterThanOrEqual(1);
    }
  }, 30_000);
});

describe('a service that fills its heap (--max-old-space-size=128) and then fails a request', () => {
  const pricing = appForSuite('saturation-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'pricing-heap',
    // A small young generation, so the heap limit V8 reports is nearly all old space (with the
    // default 16 MiB semi-spaces a 128 MiB heap reports a limit of 176 MiB it can never fill).
    NODE_OPTIONS: '--max-old-space-size=128 --max-semi-space-size=1',
  }));

  it("puts heap used near the heap limit on the failing request's span", async () => {
    const app = pricing();
    let failure: Awaited<ReturnType<typeof app.get>> | undefined;
    for (let i = 0; i < 1000 && failure === undefined; i += 1) {
      const response = await app.get('/remember');
      if (response.status >= 500) failure = response;
      else expect(response.status).toBe(200);
    }
    expect(failure?.status).toBe(500);
    const trace = await collector.waitForTrace(failure!.traceId!, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(exceptionsOf(server)[0]?.[1]).toMatch(/^heap nearly full/);
    const limit = figure(server, 'heap.limit_bytes');
    expect(limit).toBeLessThan(140 * 1024 * 1024);
    expect(figure(server, 'heap.used_bytes') / limit).toBeGreaterThanOrEqual(0.9);
    expect(figure(server, 'memory.rss_bytes')).toBeGreaterThan(figure(server, 'heap.used_bytes'));
    // Filling a heap that full makes V8 collect hard: the pauses are in the picture too.
    expect(figure(server, 'gc.pause_ms')).toBeGreaterThan(0);
  }, 60_000);
});

describe('a service in a CPU-bound burst', () => {
  const pricing = appForSuite('saturation-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'pricing-cpu',
  }));

  it('shows the loop busy nearly all the window and the CPU the process got, with no single long block', async () => {
    const app = pricing();
    const [cpuBefore, wallBefore] = [cpuSecondsOf(app.pid), performance.now()];
    const response = await app.get('/report?ms=4500', { timeoutMs: 20_000 });
    const used = (cpuSecondsOf(app.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
    expect(response.status).toBe(500);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(exceptionsOf(server)[0]?.[1]).toBe('report deadline exceeded');
    expect(figure(server, 'window_ms')).toBeGreaterThanOrEqual(3000);
    expect(figure(server, 'eventloop.utilization')).toBeGreaterThanOrEqual(0.9);
    expect(figure(server, 'eventloop.delay_p99_ms')).toBeGreaterThanOrEqual(100);
    expect(figure(server, 'eventloop.delay_max_ms')).toBeLessThan(500);
    // A core's worth when the machine has one to give; on a shared machine whatever the kernel says the
    // process got over the burst (the window is its last 3-4 s, so close to that, not equal).
    const cpu = figure(server, 'cpu.utilization');
    expect(cpu).toBeGreaterThanOrEqual(Math.min(0.9, used * 0.75));
    expect(cpu).toBeLessThanOrEqual(used * 1.25 + 0.05);
  }, 30_000);
});

describe('a healthy service under ordinary load', () => {
  const pricing = appForSuite('saturation-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'pricing-healthy',
  }));

  it('exports spans, failing or sampled, whose picture shows nothing near saturation', async () => {
    const app = pricing();
    const failing: string[] = [];
    let next = 0;
    // 300 requests from 3 callers, each pausing 20 ms between requests: about 100 a second, an
    // ordinary load (the pause shapes the load; nothing waits on it). Every 25th fails.
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < 300) {
          next += 1;
          const path = next % 25 === 0 ? '/fail' : '/quote';
          const response = await app.get(path);
          expect(response.status).toBe(path === '/fail' ? 500 : 200);
          if (path === '/fail') failing.push(response.traceId!);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }),
    );
    await app.stop(); // flushes what is left
    const page = (await (
      await fetch(`${collector.apiUrl}/api/traces?service=pricing-healthy&limit=1000`)
    ).json()) as { traces: { traceId: string }[] };
    const kept = new Set([...failing, ...page.traces.map((t) => t.traceId)]);
    expect(kept.size).toBeGreaterThan(failing.length);
    const spans = await Promise.all(
      [...kept]
        .slice(0, 80)
        .map(async (traceId) => serverSpan(await collector.waitForTrace(traceId, hasServerSpan))!),
    );
    for (const server of spans) {
      // Under every saturation threshold of the diagnosis (docs/diagnosis.md, "Saturation": a 500 ms
      // delay, the loop 90 % busy with a p99 of 100 ms, 0.9 of a core, 90 % of the heap, GC 25 % of
      // the window), most by far. The first spans' window holds the process's first requests, when
      // V8 compiles the routes: the loop is busier then, but not saturated.
      expect(figure(server, 'eventloop.delay_max_ms')).toBeLessThan(250);
      expect(figure(server, 'eventloop.delay_p99_ms')).toBeLessThanOrEqual(
        figure(server, 'eventloop.delay_max_ms'),
      );
      expect(figure(server, 'eventloop.utilization')).toBeLessThan(0.9);
      expect(figure(server, 'cpu.utilization')).toBeLessThan(0.6);
      expect(figure(server, 'heap.used_bytes') / figure(server, 'heap.limit_bytes')).toBeLessThan(0.5);
      // Observed only once the heap is half full (process-sampler.ts): absent here.
      expect(server.attributes[`${P}gc.pause_ms`]).toBeUndefined();
      expect(figure(server, 'active_requests')).toBeLessThanOrEqual(3);
    }
  }, 60_000);
});
