import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { warnAtMostEvery } from './faultline-log.js';

const REPORT_INTERVAL_MS = 60_000;

/**
 * Returns a listener that reports failed exports of `signal` in one line at most once a minute:
 * a collector that is down must cost the app nothing but a few retried requests, not its logs.
 */
export function exportFailureReporter(signal: 'spans' | 'log records', url: string) {
  let lostSinceReport = 0;
  return (count: number, error: Error | undefined): void => {
    lostSinceReport += count;
    const reason = error?.message ? `: ${error.message}` : '';
    if (
      warnAtMostEvery(
        `export-${signal}`,
        REPORT_INTERVAL_MS,
        `could not export ${lostSinceReport} ${signal} to ${url}${reason} (reported at most once a minute)`,
      )
    ) {
      lostSinceReport = 0;
    }
  };
}

/** Wraps a log exporter so failed exports reach `onFailure` (the SDK's log processor reports nothing itself). */
export function reportingLogExporter(
  exporter: LogRecordExporter,
  onFailure: (count: number, error: Error | undefined) => void,
): LogRecordExporter {
  return {
    export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
      exporter.export(records, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) onFailure(records.length, result.error);
        resultCallback(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
