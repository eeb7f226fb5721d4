import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One histogram data point as the tests look at it: attributes flattened to plain values. */
export interface HistogramPoint {
  attributes: Record<string, unknown>;
  count: number;
  sum: number;
  explicitBounds: number[];
}

/** A metric of the last export that carried it. */
export interface ReceivedMetric {
  name: string;
  unit: string;
  points: HistogramPoint[];
}

/** An OTLP/HTTP receiver of metrics in JSON (OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/json). */
export interface MetricsReceiver {
  /** For OTEL_EXPORTER_OTLP_METRICS_ENDPOINT. */
  url: string;
  /** The named histogram as last exported (cumulative: the last export holds every request so far). */
  latest(name: string): ReceivedMetric | undefined;
  stop(): Promise<void>;
}

interface OtlpAttribute {
  key: string;
  value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
}
interface OtlpMetric {
  name: string;
  unit?: string;
  histogram?: {
    dataPoints: Array<{
      attributes?: OtlpAttribute[];
      count: string | number;
      sum?: number;
      explicitBounds?: number[];
    }>;
  };
}
interface OtlpMetricsRequest {
  resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: OtlpMetric[] }> }>;
}

/** Starts a receiver on a free port that keeps the last export of each metric. */
export async function startMetricsReceiver(): Promise<MetricsReceiver> {
  const latest = new Map<string, ReceivedMetric>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpMetricsRequest;
      for (const resource of body.resourceMetrics ?? []) {
        for (const scope of resource.scopeMetrics ?? []) {
          for (const metric of scope.metrics ?? []) {
            if (metric.histogram === undefined) continue;
            latest.set(metric.name, {
              name: metric.name,
              unit: metric.unit ?? '',
              points: metric.histogram.dataPoints.map((point) => ({
                attributes: Object.fromEntries(
                  (point.attributes ?? []).map(({ key, value }) => [key, plainValue(value)]),
                ),
                count: Number(point.count),
                sum: point.sum ?? 0,
                explicitBounds: point.explicitBounds ?? [],
              })),
            });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    latest: (name) => latest.get(name),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function plainValue(value: OtlpAttribute['value']): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue;
}
