import { isSqlState } from './error-codes.js';
import type { Cause, Evidence, PropagationStep } from './types.js';

/** What the one-sentence summary is written from. */
export interface SummaryInput {
  cause: Cause;
  evidence: Evidence;
  originService: string;
  /** The origin as a person recognises it (span name, with the peer for bare HTTP client names). */
  operation: string;
  propagatedBy: readonly PropagationStep[];
  /** A failing call the request handled before it failed (see handled-failures.ts). */
  handled?: HandledNote;
}

/** A handled failure as the summary mentions it. */
export interface HandledNote {
  service: string;
  operation: string;
  /** The failure in words: its message or received status. */
  what: string;
  /** The call that succeeded after it: the evidence that the request went on. */
  continuedBy: string;
  /** How many handled failures were passed over on the way. */
  count: number;
  /** True when the path went through it anyway, because nothing else was on record. */
  followed: boolean;
}

const MAX_MESSAGE_CHARS = 160;

/**
 * One sentence a person reads: the entry status, where the failure originated, why, and who changed it
 * on the way up. "500 originated in orders › pg-pool.connect: the connection pool (max 10) was
 * exhausted; 14 requests were waiting."
 */
export function summarise(input: SummaryInput): string {
  const { evidence } = input;
  // A request the app marked failed may have answered 200: "200 originated in …" would misread.
  const code = evidence.entryStatusCode;
  const status = code !== undefined && code >= 500 ? code : 'Failure';
  const transform = lastTransformation(input.propagatedBy);
  const clause = causeClause(input.cause, evidence, input.handled !== undefined && !input.handled.followed);
  return `${status} originated in ${input.originService} › ${input.operation}: ${clause}${transform}${handledClause(input.handled)}.`;
}

/**
 * "; a handled error preceded it: redis › GET failed (connect ECONNREFUSED), then PostgreSQL › SELECT
 * succeeded": the verdict is the failure the request surfaced, and this is the history a person
 * otherwise goes looking for.
 */
function handledClause(note: HandledNote | undefined): string {
  if (!note) return '';
  const failed = `${note.service} › ${note.operation} failed (${clip(note.what)})`;
  if (note.followed) {
    return `; it was handled (${note.continuedBy} succeeded after it) and nothing else failed on record`;
  }
  const more = note.count > 1 ? ` (and ${note.count - 1} more)` : '';
  return `; a handled error preceded it: ${failed}${more}, then ${note.continuedBy} succeeded`;
}

function causeClause(cause: Cause, e: Evidence, afterHandled: boolean): string {
  const peer = e.peerAddress ?? 'the upstream';
  const db = e.dbSystem ?? 'the database';
  switch (cause) {
    case 'db_pool_exhausted':
      return poolClause(e);
    case 'db_timeout':
      return isLockWait(e)
        ? `the ${db} database was locked and the query gave up waiting${detail(e)}`
        : `the ${db} query timed out${detail(e)}`;
    case 'db_error':
      return `${db} rejected the query${detail(e)}`;
    case 'upstream_unreachable':
      return `could not connect to ${peer}${detail(e)}`;
    case 'upstream_timeout': {
      const still =
        e.upstream?.outcome === 'still running' ? `; ${e.upstream.service} was still working on it` : '';
      return `the call to ${peer} timed out after ${Math.round(e.durationMs)} ms${detail(e)}${still}`;
    }
    case 'uninstrumented_upstream':
      return `${peer} answered ${e.httpStatusCode ?? '5xx'} and sent no spans of its own`;
    case 'exception': {
      // A span set to ERROR with a message and nothing thrown: how an app marks its request failed.
      if (e.exceptionType === undefined && e.exceptionMessage === undefined && e.statusMessage)
        return `marked failed with no exception recorded (${clip(e.statusMessage)})`;
      const where = e.topFrame ? ` at ${e.topFrame.file}:${e.topFrame.line ?? '?'}` : '';
      return `unhandled ${e.exceptionType ?? 'exception'}: ${clip(e.exceptionMessage ?? e.statusMessage ?? '')}${where}`;
    }
    case 'explicit_5xx':
      return afterHandled
        ? `the handler answered ${e.httpStatusCode ?? '5xx'} itself, without an exception`
        : `the handler answered ${e.httpStatusCode ?? '5xx'} without an exception or a failing dependency`;
    case 'unknown':
      return `the span failed${e.statusMessage ? ` (${clip(e.statusMessage)})` : ''} but the cause could not be shown`;
  }
}

function poolClause(e: Evidence): string {
  const pool = e.pool;
  if (!pool) return `no connection could be had from the pool in time${detail(e)}`;
  const size = pool.max !== undefined ? ` (max ${pool.max})` : '';
  const waiting =
    pool.waiting === undefined
      ? ''
      : `; ${pool.waiting} ${pool.waiting === 1 ? 'request was' : 'requests were'} waiting`;
  return `the connection pool${size} was exhausted${waiting}`;
}

function isLockWait(e: Evidence): boolean {
  const code = e.dbErrorCode ?? '';
  return /^SQLITE_(?:BUSY|LOCKED)|^55P03$|^ER_LOCK_WAIT/.test(code) || /locked/i.test(e.statusMessage ?? '');
}

/** " (SQLSTATE 57014: canceling statement due to statement timeout)", from the best code and message known. */
function detail(e: Evidence): string {
  const rawCode = e.dbErrorCode ?? e.errorCodes?.[0];
  const code = rawCode && isSqlState(rawCode) ? `SQLSTATE ${rawCode}` : rawCode;
  const message = e.statusMessage ?? e.exceptionMessage;
  if (code && message && !message.includes(rawCode!)) return ` (${code}: ${clip(message)})`;
  if (message) return ` (${clip(message)})`;
  return code ? ` (${code})` : '';
}

/**
 * The topmost change of the failure's HTTP form ("HTTP 503 into HTTP 500", "HTTP 500 into Error: orders
 * failed"). An exception wrapped in another (fetch's TypeError around ECONNREFUSED) stays in
 * `propagatedBy`: in the sentence it is noise.
 */
function lastTransformation(steps: readonly PropagationStep[]): string {
  for (const step of steps) {
    const change = step.change?.split('; ').find((c) => c.startsWith('HTTP '));
    if (!change) continue;
    const [from, to] = change.split(' -> ');
    return `; ${step.service} › ${step.name} turned ${clip(from ?? '')} into ${clip(to ?? '')}`;
  }
  return '';
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}
