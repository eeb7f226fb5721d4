import { storeStepsFor } from './store-next-steps.js';
import type { Cause, Evidence } from './types.js';

/**
 * Three to five concrete checks and fixes per cause, in the order an on-call engineer would try them,
 * filled in with what the evidence names (pool size, peer, route, frame). Plain text, no markup.
 */
export function nextStepsFor(cause: Cause, e: Evidence): string[] {
  // MySQL/MariaDB, Redis and MongoDB failures read differently from PostgreSQL's: their own checks.
  const store = storeStepsFor(cause, e);
  if (store) return store;
  const peer = e.peerAddress ?? 'the upstream';
  const route = e.httpRoute ?? e.operation;
  switch (cause) {
    case 'db_pool_exhausted':
      return [
        `Compare the pool size${e.pool?.max !== undefined ? ` (max ${e.pool.max})` : ''} with the concurrent requests each instance serves; raise it only if the database's max_connections allows it across all instances.`,
        'Look for clients checked out and never released: every pool.connect() needs client.release() in a finally block (pool.query releases by itself).',
        'Find slow queries or long transactions holding connections (pg_stat_activity: state, xact_start, wait_event).',
        'Set connectionTimeoutMillis and statement_timeout so requests fail fast instead of queueing, and shed load before the pool queue grows.',
      ];
    case 'db_timeout':
      return [
        e.dbSystem === 'sqlite'
          ? 'Find the writer holding the SQLite lock: a long transaction or a second process writing the same file; enable WAL mode so readers do not block writers.'
          : 'Run EXPLAIN (ANALYZE, BUFFERS) on the query in the evidence and look for sequential scans or missing indexes.',
        'Check lock waits at the time of the failure (pg_locks joined with pg_stat_activity, or the SQLite busy_timeout).',
        "Compare statement_timeout / lock_timeout (or busy_timeout) with the request's time budget.",
        'Keep transactions short and move batch work off the request path.',
      ];
    case 'db_error':
      return [
        `Read the error code${e.dbErrorCode ? ` ${e.dbErrorCode}` : ''}: 42P01/42703 mean the schema is not what the code expects, 23xxx a violated constraint, 28P01 bad credentials, 42601 a syntax error.`,
        `Check that migrations ran in this environment and that the service points at the right database${e.dbNamespace ? ` (${e.dbNamespace})` : ''}.`,
        'Run the query text from the evidence against the same database to reproduce it.',
        'If a deploy just happened, compare this query with the previous release.',
      ];
    case 'upstream_unreachable':
      return [
        `Check the host and port the service calls (${peer}) in its environment variables, proxy or upstream config, and service discovery.`,
        'ECONNREFUSED: nothing listens there; is the upstream running, on that port? ENOTFOUND / EAI_AGAIN: DNS does not resolve the name.',
        'TLS errors: check the certificate name and expiry, and http versus https on that port.',
        'Retry transient connection errors with backoff, and put a circuit breaker in front of the upstream so failures fail fast.',
      ];
    case 'upstream_timeout':
      return [
        `Check the latency of ${e.upstream?.service ?? 'the upstream'} for this call around the failure time (its own spans, if it sends them).`,
        "Compare the client timeout with the upstream's p99 and with the caller's own budget; timeouts should shrink down the call chain.",
        'Look for saturation upstream: pool waits, queueing, CPU, event-loop delay.',
        'Retry only idempotent calls, with backoff, and add a circuit breaker to stop piling onto a slow upstream.',
      ];
    case 'uninstrumented_upstream':
      return [
        `Read the logs of the service at ${peer} for this time: it answered ${e.httpStatusCode ?? '5xx'} but sent no spans.`,
        'Instrument it with OpenTelemetry and propagate traceparent, so the next failure shows its cause.',
        'Check whether a proxy or load balancer answered: 502, 503 and 504 often mean no healthy backend behind it.',
        "Decide how the caller handles the upstream's 5xx: retry, a fallback, or a clear 502/503 to its own client.",
      ];
    case 'exception':
      return [
        e.topFrame
          ? `Open ${e.topFrame.file}:${e.topFrame.line ?? ''}${e.topFrame.functionName ? ` (${e.topFrame.functionName})` : ''} and read the stack trace in the evidence.`
          : 'Read the stack trace in the evidence to find the throwing code.',
        "Check the input that triggered it: the failing request's parameters and body.",
        'Handle this case (validation, missing data) and answer 4xx for bad input rather than 500.',
        'Compare when this failure was first seen with recent deploys.',
      ];
    case 'explicit_5xx':
      return [
        `Find where the handler for ${route} sets a 5xx status (res.status(5xx), reply.code(5xx)).`,
        'Read the correlated logs in the evidence for the reason it chose to fail.',
        'Record the reason before answering 5xx (span.recordException or a log with the trace id), so the next occurrence carries evidence.',
        'If it is a health or dependency check, find which dependency it considered down.',
      ];
    case 'unknown':
      return [
        "Open the trace and read the origin span's attributes and events.",
        "Read the service's logs around the failure time.",
        'Record errors where they are handled (span.recordException, span.setStatus) so the cause can be shown.',
      ];
  }
}
