import type { AttributeValue, LogRecord } from '@faultline/model';
import type { EvidenceLog } from './types.js';

/** OTLP SeverityNumber 13 is WARN (13-16 WARN, 17-20 ERROR, 21-24 FATAL). */
export const SEVERITY_WARN = 13;
/** At most this many logs go into the evidence. */
export const MAX_EVIDENCE_LOGS = 20;
const MAX_BODY_CHARS = 2_000;

/**
 * The warnings and errors logged for the failure: those of the origin span if it logged any, else
 * those of the whole trace, oldest first, at most 20.
 */
export function correlatedLogs(
  logs: readonly LogRecord[],
  traceId: string,
  originSpanId: string,
): EvidenceLog[] {
  const serious = logs.filter((log) => log.severityNumber >= SEVERITY_WARN && log.traceId === traceId);
  const ofOrigin = serious.filter((log) => log.spanId === originSpanId);
  const chosen = ofOrigin.length > 0 ? ofOrigin : serious;
  return [...chosen]
    .sort((a, b) => (a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0))
    .slice(0, MAX_EVIDENCE_LOGS)
    .map((log) => ({
      timeUnixNano: log.timeUnixNano.toString(),
      service: log.service,
      spanId: log.spanId,
      severityNumber: log.severityNumber,
      severityText: log.severityText,
      body: bodyText(log.body),
    }));
}

function bodyText(body: AttributeValue): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}
