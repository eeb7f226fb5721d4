import type { LogRecord, Span } from '@faultline/model';

/** The spans of one ExportTraceServiceRequest, and what was rejected from it (OTLP partial success). */
export interface DecodedTraces {
  spans: Span[];
  rejectedSpans: number;
  /** Why spans were rejected, for the first few; `''` when none were. */
  errorMessage: string;
}

/** The log records of one ExportLogsServiceRequest, and what was rejected from it. */
export interface DecodedLogs {
  logs: LogRecord[];
  rejectedLogRecords: number;
  /** Why log records were rejected, for the first few; `''` when none were. */
  errorMessage: string;
}
