import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { exportFailureReporter, reportingLogExporter } from './export-failure-report.js';
import { batchSettingsFromEnv, FailureFirstSpanProcessor } from './failure-first-span-processor.js';
import type { OtlpDestination } from './otlp-endpoint.js';
import { resolveOtlpDestination, usesFaultlinePipeline } from './otlp-endpoint.js';

/** The trace export pipeline, or undefined where OTEL_* settings hand it to the SDK. */
export interface TracePipeline {
  processor: FailureFirstSpanProcessor;
  destination: OtlpDestination;
}

/** Builds span export: OTLP/HTTP protobuf through the failure-first processor. */
export function createTracePipeline(
  env: NodeJS.ProcessEnv,
  endpoint: string,
  successfulTracesPerSecond: number | undefined,
): TracePipeline | undefined {
  if (!usesFaultlinePipeline('traces', env)) return undefined;
  const destination = resolveOtlpDestination('traces', env, endpoint);
  // When an OTEL_* variable names the endpoint the exporter reads it itself (and its TLS, timeout ...).
  const exporter = new OTLPTraceExporter(destination.urlFromEnv ? {} : { url: destination.url });
  const processor = new FailureFirstSpanProcessor(
    exporter,
    batchSettingsFromEnv(env),
    exportFailureReporter('spans', destination.url),
    successfulTracesPerSecond === undefined ? undefined : { tracesPerSecond: successfulTracesPerSecond },
  );
  return { processor, destination };
}

/** Builds log export: OTLP/HTTP protobuf in batches, or undefined where OTEL_* settings hand it to the SDK. */
export function createLogProcessor(
  env: NodeJS.ProcessEnv,
  endpoint: string,
): BatchLogRecordProcessor | undefined {
  if (!usesFaultlinePipeline('logs', env)) return undefined;
  const destination = resolveOtlpDestination('logs', env, endpoint);
  const exporter = new OTLPLogExporter(destination.urlFromEnv ? {} : { url: destination.url });
  const read = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name]?.trim() && Number.isInteger(value) && value > 0 ? value : fallback;
  };
  const maxQueueSize = read('OTEL_BLRP_MAX_QUEUE_SIZE', 2048);
  return new BatchLogRecordProcessor({
    exporter: reportingLogExporter(exporter, exportFailureReporter('log records', destination.url)),
    maxQueueSize,
    maxExportBatchSize: Math.min(read('OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 512), maxQueueSize),
    // 500 ms rather than the spec's 1 s: log lines of a failed request should arrive with its spans.
    scheduledDelayMillis: read('OTEL_BLRP_SCHEDULE_DELAY', 500),
    exportTimeoutMillis: read('OTEL_BLRP_EXPORT_TIMEOUT', 30_000),
  });
}
