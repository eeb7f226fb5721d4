import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { appForSuite, randomHex } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.stop();
});

/** Whether the collector knows a trace: 404 is an unknown trace. */
async function isStored(traceId: string): Promise<boolean> {
  const response = await fetch(`${collector.apiUrl}/api/traces/${traceId}`);
  if (response.status !== 200 && response.status !== 404) throw new Error(`status ${response.status}`);
  return response.status === 200;
}

/**
 * Requests each of `paths` in a trace of its own (sent as the caller's `traceparent`), then an
 * ordinary request whose trace is waited for: spans of the probes, which all ended before it, would
 * have been exported with it or before it. Returns the probes' answers and whether each trace exists.
 */
async function probeThenBarrier(app: AppProcess, paths: string[]) {
  const probes = [];
  for (const path of paths) {
    const traceId = randomHex(16);
    const response = await app.get(path, { traceId });
    probes.push({ path, traceId, response });
  }
  const barrier = await app.get('/orders');
  expect(barrier.status).toBe(200);
  await collector.waitForTrace(barrier.traceId!, hasServerSpan);
  const stored = await Promise.all(probes.map((probe) => isStored(probe.traceId)));
  return probes.map((probe, at) => ({ ...probe, stored: stored[at] }));
}

describe('health and readiness probes, by default', () => {
  const app = appForSuite('probe-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'probed',
  }));

  it('make no span when they succeed, not even for what they call, whatever their query string', async () => {
    const paths = ['/health', '/healthz', '/readyz?verbose=1', '/livez', '/ping', '/metrics'];
    const probes = await probeThenBarrier(app(), paths);
    expect(probes.map(({ path, response, stored }) => [path, response.status, stored])).toEqual(
      paths.map((path) => [path, 200, false]),
    );
  });

  it('answer with no traceresponse header when they succeed: there is no trace to name', async () => {
    const response = await app().get('/healthz');
    expect(response.status).toBe(200);
    expect(response.headers.get('traceresponse')).toBeNull();
  });

  it("are traced when they fail: the 503's server span is ERROR and its traceresponse names it", async () => {
    const response = await app().get('/readyz?fail=1');
    expect(response.status).toBe(503);
    const header = response.headers.get('traceresponse');
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(header).toBe(`00-${trace.traceId}-${server.spanId}-01`);
    expect([server.name, server.status.code, server.attributes['http.response.status_code']]).toEqual([
      'GET',
      'ERROR',
      503,
    ]);
    expect([server.attributes['url.path'], server.attributes['url.query']]).toEqual(['/readyz', 'fail=1']);
    expect(trace.diagnosis).not.toBeNull();
  });

  it('continue the caller trace when they fail', async () => {
    const traceId = randomHex(16);
    const response = await app().get('/healthz?fail', { traceId });
    expect(response.status).toBe(503);
    expect(response.traceId).toBe(traceId);
    const trace = await collector.waitForTrace(traceId, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
  });

  it('leave other paths traced, including ones that merely start like a probe', async () => {
    const probes = await probeThenBarrier(app(), ['/healthz/deep', '/pingback']);
    expect(probes.map(({ path, stored }) => [path, stored])).toEqual([
      ['/healthz/deep', true],
      ['/pingback', true],
    ]);
  });
});

describe('FAULTLINE_IGNORE_PATHS', () => {
  const app = appForSuite('probe-app.cjs', () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
    OTEL_SERVICE_NAME: 'probed-own-list',
    FAULTLINE_IGNORE_PATHS: '/status, /internal/alive',
  }));

  it('replaces the default list: its paths make no span, the default probes are traced again', async () => {
    const probes = await probeThenBarrier(app(), ['/status', '/internal/alive?x=1', '/healthz']);
    expect(probes.map(({ path, stored }) => [path, stored])).toEqual([
      ['/status', false],
      ['/internal/alive?x=1', false],
      ['/healthz', true],
    ]);
  });

  it('still traces a failing request to one of its paths', async () => {
    const response = await app().get('/status?fail=1');
    expect(response.status).toBe(503);
    const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
    expect(serverSpan(trace)!.status.code).toBe('ERROR');
  });
});
