import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_DURATION_BUCKETS_S } from '../src/server-metrics.js';
import type { AppProcess } from './harness/app-process.js';
import { randomHex, startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import type { HistogramPoint, MetricsReceiver } from './harness/metrics-receiver.js';
import { startMetricsReceiver } from './harness/metrics-receiver.js';
import { hasServerSpan } from './harness/trace-queries.js';

let collector: RunningCollector;
let receiver: MetricsReceiver;
let app: AppProcess;

beforeAll(async () => {
  [collector, receiver] = await Promise.all([startCollector(), startMetricsReceiver()]);
  app = await startApp('fastify-app.cjs', {
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'metered',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
      OTEL_METRIC_EXPORT_INTERVAL: '200',
      // Success sampling starts past 5 successful traces a second: the test drives it past that.
      FAULTLINE_SUCCESSFUL_TRACES_PER_SECOND: '5',
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([collector?.stop(), receiver?.stop()]);
});

async function isStored(traceId: string): Promise<boolean> {
  const response = await fetch(`${collector.apiUrl}/api/traces/${traceId}`);
  return response.status === 200;
}

/** Polls the exported histogram until `until` holds for it, or fails at the deadline. */
async function durationPoints(until: (points: HistogramPoint[]) => boolean): Promise<HistogramPoint[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const points = receiver.latest('http.server.request.duration')?.points ?? [];
    if (until(points)) return points;
    if (Date.now() > deadline) return points;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pointWith(
  points: HistogramPoint[],
  attributes: Record<string, unknown>,
): HistogramPoint | undefined {
  return points.find((point) => expect.objectContaining(attributes).asymmetricMatch(point.attributes));
}

describe('http.server.request.duration with OTEL_METRICS_EXPORTER set', () => {
  it('counts every request, those success sampling dropped included, with the stable attributes', async () => {
    // Successful requests in rounds until success sampling has dropped some of their traces; a
    // failing request (always kept) after each round is the barrier their spans would have come by.
    const successes: string[] = [];
    let failures = 0;
    let dropped = 0;
    const deadline = Date.now() + 30_000;
    while (dropped === 0 && Date.now() < deadline) {
      const round: string[] = [];
      for (let i = 0; i < 40; i += 1) {
        const traceId = randomHex(16);
        const response = await app.get(`/orders/${i}`, { traceId });
        expect(response.status).toBe(200);
        round.push(traceId);
      }
      successes.push(...round);
      const barrier = await app.get('/explicit-500');
      expect(barrier.status).toBe(500);
      failures += 1;
      await collector.waitForTrace(barrier.traceId!, hasServerSpan);
      const stored = await Promise.all(round.map(isStored));
      dropped += stored.filter((kept) => !kept).length;
    }
    expect(dropped).toBeGreaterThan(0);

    const orders = {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
    };
    const failing = {
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'http.route': '/explicit-500',
      'http.response.status_code': 500,
      'error.type': '500',
    };
    const points = await durationPoints(
      (found) =>
        pointWith(found, orders)?.count === successes.length && pointWith(found, failing)?.count === failures,
    );
    const ordersPoint = pointWith(points, orders);
    expect(ordersPoint?.attributes).toEqual(orders);
    expect(ordersPoint?.count).toBe(successes.length);
    expect(ordersPoint?.explicitBounds).toEqual(REQUEST_DURATION_BUCKETS_S);
    expect(ordersPoint!.sum).toBeGreaterThan(0);
    expect(pointWith(points, failing)?.attributes).toEqual(failing);
    expect(pointWith(points, failing)?.count).toBe(failures);
    expect(receiver.latest('http.server.request.duration')?.unit).toBe('s');
  });

  it('counts a request to a health probe path, which makes no span', async () => {
    const before = pointWith(await durationPoints(() => true), {
      'url.scheme': 'http',
      'http.response.status_code': 404,
    });
    const response = await app.get('/healthz');
    expect(response.status).toBe(404);
    expect(response.headers.get('traceresponse')).toBeNull();
    const points = await durationPoints(
      (found) => (pointWith(found, { 'http.response.status_code': 404 })?.count ?? 0) > (before?.count ?? 0),
    );
    expect(pointWith(points, { 'http.response.status_code': 404 })?.count).toBe((before?.count ?? 0) + 1);
  });
});
