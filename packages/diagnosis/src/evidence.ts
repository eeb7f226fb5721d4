import type { LogRecord, Span } from '@faultline/model';
import {
  DB_NAMESPACE,
  DB_QUERY_TEXT,
  DB_SYSTEM,
  durationMsBetween,
  HTTP_REQUEST_METHOD,
  HTTP_ROUTE,
  httpStatusCodeOf,
  readString,
  URL_FULL,
} from '@faultline/model';
import { correlatedLogs } from './correlated-logs.js';
import { CONNECT_FAILURE_CODES, DB_TIMEOUT_CODES, isSqlState, TIMEOUT_CODES } from './error-codes.js';
import type { FailureSignals } from './failure-signals.js';
import { isPgSanitisedMessage } from './failure-signals.js';
import { operationOf, peerAddressOf } from './span-roles.js';
import { topInAppFrame } from './stack-frames.js';
import type { TraceNode } from './trace-tree.js';
import type { Cause, Evidence, UpstreamState } from './types.js';

/** What the evidence is gathered from. */
export interface EvidenceInput {
  origin: TraceNode;
  entry: TraceNode;
  signals: FailureSignals;
  cause: Cause;
  matchedRule: string;
  logs: readonly LogRecord[];
  pathHasGap: boolean;
}

/** Collects the facts behind the verdict; absent facts are left out rather than set to undefined. */
export function gatherEvidence(input: EvidenceInput): Evidence {
  const { origin, signals } = input;
  const span = origin.span;
  const attributes = span.attributes;
  const exception = signals.exception;
  const evidence: Evidence = {
    matchedRule: input.matchedRule,
    operation: readString(attributes, HTTP_ROUTE) ?? operationOf(span),
    spanName: span.name,
    spanKind: span.kind,
    durationMs: durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    logs: correlatedLogs(input.logs, span.traceId, span.spanId),
  };
  const optional: Partial<Evidence> = {
    entryStatusCode: httpStatusCodeOf(input.entry.span.attributes),
    httpStatusCode: signals.httpStatusCode,
    httpMethod: readString(attributes, HTTP_REQUEST_METHOD),
    httpRoute: routeOf(origin),
    url: readString(attributes, URL_FULL),
    peerAddress: peerAddressOf(span) ?? readString(attributes, URL_FULL),
    statusMessage: signals.statusMessage,
    errorType: signals.errorType,
    exceptionType: exception?.name ?? exception?.type,
    exceptionMessage:
      exception?.message && !isPgSanitisedMessage(exception.message) ? exception.message : undefined,
    stacktrace: exception?.stacktrace,
    topFrame: topInAppFrame(exception?.stacktrace),
    dbSystem: readString(attributes, DB_SYSTEM),
    dbNamespace: readString(attributes, DB_NAMESPACE),
    queryText: readString(attributes, DB_QUERY_TEXT),
    dbErrorCode: signals.dbErrorCode,
    pool: signals.pool,
    errorCodes: interestingCodes(signals),
    upstream: input.cause === 'upstream_timeout' ? upstreamStateOf(origin) : undefined,
    pathHasGap: input.pathHasGap || undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (evidence as unknown as Record<string, unknown>)[key] = value;
  }
  return evidence;
}

/** The route the origin's service was serving: the nearest span at or above it, in its service, with http.route. */
function routeOf(origin: TraceNode): string | undefined {
  for (let node: TraceNode | null = origin; node; node = node.parent) {
    if (node.span.service !== origin.span.service) break;
    const route = readString(node.span.attributes, HTTP_ROUTE);
    if (route) return route;
  }
  return undefined;
}

// Tokens read from messages include plain upper-case words ("ERROR", "SELECT"); keep the error codes.
function interestingCodes(signals: FailureSignals): string[] | undefined {
  const codes = [...signals.codes].filter(
    (c) =>
      CONNECT_FAILURE_CODES.has(c) ||
      TIMEOUT_CODES.has(c) ||
      DB_TIMEOUT_CODES.has(c) ||
      isSqlState(c) ||
      /^(?:SQLITE|ER|UND_ERR|ERR|HPE|PROTOCOL)_[A-Z_]+$/.test(c) ||
      /^[A-Z]\w*Error$/.test(c),
  );
  return codes.length > 0 ? codes : undefined;
}

/**
 * For a timed-out call: what the called service was doing. Its server span ending after the call
 * means it was still working when the caller gave up.
 *
 * client |.........X|               <- gave up
 * server    |.....................| <- still running
 */
function upstreamStateOf(origin: TraceNode): UpstreamState | undefined {
  const server = origin.children.find((c) => c.span.service !== origin.span.service) ?? origin.children[0];
  if (!server) return undefined;
  const span: Span = server.span;
  const status = httpStatusCodeOf(span.attributes);
  const outcome =
    server.endNs > origin.endNs
      ? 'still running'
      : status !== undefined
        ? `HTTP ${status}`
        : span.status.code === 'ERROR'
          ? 'ERROR'
          : 'OK';
  return {
    spanId: span.spanId,
    service: span.service,
    name: span.name,
    durationMs: durationMsBetween(span.startTimeUnixNano, span.endTimeUnixNano),
    outcome,
  };
}
