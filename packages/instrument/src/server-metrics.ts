import type { ServerResponse } from 'node:http';
import type { Attributes, Histogram, Meter } from '@opentelemetry/api';
import { knownMethod } from './server-span-attributes.js';

/**
 * Advised bucket boundaries of `http.server.request.duration`, in seconds (HTTP metrics semantic
 * conventions: https://opentelemetry.io/docs/specs/semconv/http/http-metrics/).
 */
export const REQUEST_DURATION_BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];

/** What a request's duration is measured and labelled from, read as the request arrives. */
export interface RequestTiming {
  readonly startedAt: number;
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly protocolVersion: string;
}

/**
 * `http.server.request.duration` (stable HTTP semantic conventions), recorded by Faultline's own
 * server tracing for every request, whatever happens to its trace: a request success sampling drops,
 * a health probe that makes no span and a request the caller gave up on are all counted. Made only
 * when a MeterProvider is configured (OTEL_METRICS_EXPORTER), so requests pay nothing otherwise.
 * instrumentation-http recorded it before its server half was replaced.
 */
export class ServerMetrics {
  private readonly duration: Histogram;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      advice: { explicitBucketBoundaries: REQUEST_DURATION_BUCKETS_S },
    });
  }

  /** Notes the start of a request. */
  start(method: string | undefined, scheme: 'http' | 'https', protocolVersion: string): RequestTiming {
    return { startedAt: performance.now(), method: knownMethod(method ?? 'GET'), scheme, protocolVersion };
  }

  /**
   * Records a request as its response closes: with the status code and route when known, and
   * `error.type` for a 5xx (the status code, as on the span), or for a request that ended without an
   * answer (the error's name if one was reported, else `_OTHER`).
   */
  end(timing: RequestTiming, response: ServerResponse, route: string | undefined, error: unknown): void {
    const attributes: Attributes = {
      'http.request.method': timing.method,
      'url.scheme': timing.scheme,
      'network.protocol.version': timing.protocolVersion,
    };
    if (route !== undefined) attributes['http.route'] = route;
    if (response.headersSent) {
      const status = response.statusCode;
      attributes['http.response.status_code'] = status;
      if (status >= 500) attributes['error.type'] = String(status);
    } else {
      attributes['error.type'] = error instanceof Error ? error.name : '_OTHER';
    }
    this.duration.record((performance.now() - timing.startedAt) / 1000, attributes);
  }
}
