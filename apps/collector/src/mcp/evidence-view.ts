import { type Diagnosis, isInAppFrame, parseStack, type StackFrame } from '@faultline/diagnosis';
import { boundedValue, capList, clip, quote } from './safe-text.js';

const FRAMES = 5;
const LOGS = 8;

/** The evidence an agent needs to act on, with every value from the trace clipped. */
export interface EvidenceView {
  rule: string;
  operation: string;
  exception?: { type: string; message: string };
  /** The first in-app frames of the exception's stack (not node_modules, not node: internals). */
  inAppFrames: StackFrame[];
  query?: string;
  dbSystem?: string;
  /** SQLSTATE for PostgreSQL, the driver's code for others. */
  dbErrorCode?: string;
  pool?: unknown;
  errorCodes?: string[];
  peer?: string;
  statusMessage?: string;
  upstream?: unknown;
  logs: { time: string; service: string; severity: string; body: string }[];
  cut: string[];
}

const iso = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

/** The diagnosis's evidence, bounded: 5 in-app frames, 8 logs, every string clipped. */
export function evidenceView(diagnosis: Diagnosis): EvidenceView {
  const e = diagnosis.evidence;
  const cut: string[] = [];
  const frames = e.stacktrace
    ? parseStack(e.stacktrace).filter(isInAppFrame)
    : e.topFrame
      ? [e.topFrame]
      : [];
  const shownFrames = capList(frames, FRAMES, 'in-app stack frames');
  if (shownFrames.cut) cut.push(shownFrames.cut);
  const logs = capList(e.logs, LOGS, 'correlated logs');
  if (logs.cut) cut.push(logs.cut);
  const view: EvidenceView = {
    rule: clip(e.matchedRule, 400),
    operation: clip(e.operation, 200),
    inAppFrames: shownFrames.shown.map((f) => ({
      ...(f.functionName === undefined ? {} : { functionName: clip(f.functionName, 120) }),
      file: clip(f.file, 200),
      ...(f.line === undefined ? {} : { line: f.line }),
      ...(f.column === undefined ? {} : { column: f.column }),
    })),
    logs: logs.shown.map((log) => ({
      time: iso(log.timeUnixNano),
      service: clip(log.service, 120),
      severity: clip(log.severityText || String(log.severityNumber), 20),
      body: clip(log.body, 400),
    })),
    cut,
  };
  if (e.exceptionType || e.exceptionMessage)
    view.exception = {
      type: clip(e.exceptionType ?? 'Error', 200),
      message: clip(e.exceptionMessage ?? '', 600),
    };
  if (e.queryText) view.query = clip(e.queryText, 600);
  if (e.dbSystem) view.dbSystem = clip(e.dbSystem, 40);
  if (e.dbErrorCode) view.dbErrorCode = clip(e.dbErrorCode, 40);
  if (e.pool) view.pool = boundedValue(e.pool);
  if (e.errorCodes?.length) view.errorCodes = e.errorCodes.slice(0, 8).map((code) => clip(code, 60));
  if (e.peerAddress) view.peer = clip(e.peerAddress, 200);
  if (e.statusMessage) view.statusMessage = clip(e.statusMessage, 400);
  if (e.upstream) view.upstream = boundedValue(e.upstream);
  return view;
}

const frameText = (f: StackFrame) =>
  `${quote(f.functionName ?? '<anonymous>', 120)} at ${quote(`${f.file}:${f.line ?? '?'}:${f.column ?? '?'}`, 240)}`;

/** The evidence as text lines, values quoted. */
export function evidenceLines(view: EvidenceView): string[] {
  const lines = [`- rule: ${quote(view.rule, 400)}`];
  if (view.exception)
    lines.push(
      `- exception: ${quote(view.exception.type)} with message ${quote(view.exception.message, 600)}`,
    );
  if (view.inAppFrames.length > 0) {
    lines.push('- top in-app frames (where to look in the code):');
    for (const frame of view.inAppFrames) lines.push(`  - ${frameText(frame)}`);
  }
  if (view.query)
    lines.push(`- query${view.dbSystem ? ` (${quote(view.dbSystem)})` : ''}: ${quote(view.query, 600)}`);
  if (view.dbErrorCode)
    lines.push(`- database error code (SQLSTATE for PostgreSQL): ${quote(view.dbErrorCode)}`);
  if (view.pool) lines.push(`- connection pool at the time: ${quote(view.pool)}`);
  if (view.errorCodes) lines.push(`- error codes: ${view.errorCodes.map((code) => quote(code)).join(', ')}`);
  if (view.peer) lines.push(`- peer called: ${quote(view.peer)}`);
  if (view.statusMessage) lines.push(`- status message: ${quote(view.statusMessage, 400)}`);
  if (view.upstream) lines.push(`- upstream when the caller gave up: ${quote(view.upstream, 400)}`);
  if (view.logs.length > 0) {
    lines.push('- logs (warn and above, around the failure):');
    for (const log of view.logs)
      lines.push(
        `  - ${log.time} ${quote(log.service, 120)} ${quote(log.severity)}: ${quote(log.body, 400)}`,
      );
  }
  for (const note of view.cut) lines.push(`- (${note})`);
  return lines;
}
