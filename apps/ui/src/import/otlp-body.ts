import { fromWireLogRecord, fromWireSpan, type WireLogRecord, type WireSpan } from '@faultline/model';
import { encodeLogsJson, encodeTracesJson } from '@faultline/otlp';

/** The JSON this UI's "Download JSON" saves: the trace as the query API answers it. */
interface PageTraceFile {
  spans: WireSpan[];
  logs?: WireLogRecord[];
}

function isPageTraceFile(value: unknown): value is PageTraceFile {
  if (typeof value !== 'object' || value === null) return false;
  if ('resourceSpans' in value || 'resourceLogs' in value) return false;
  return Array.isArray((value as { spans?: unknown }).spans);
}

/**
 * The body to send to `POST /api/import` for a parsed file. OTLP/JSON (an export from any Faultline, or
 * any OTLP/JSON request) goes as it is; a trace saved with this page's "Download JSON" is turned into
 * OTLP/JSON first, so every file the UI saves can be imported again. Throws when a file of that shape
 * holds malformed spans.
 */
export function otlpImportBody(parsed: unknown, text: string): string {
  if (!isPageTraceFile(parsed)) return text;
  const spans = parsed.spans.map(fromWireSpan);
  const logs = (parsed.logs ?? []).map(fromWireLogRecord);
  return JSON.stringify({ ...encodeTracesJson(spans), ...encodeLogsJson(logs) });
}
