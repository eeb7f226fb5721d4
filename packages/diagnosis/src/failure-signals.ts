import type { Span } from '@faultline/model';
import {
  DB_RESPONSE_STATUS_CODE,
  ERROR_TYPE,
  httpStatusCodeOf,
  readInteger,
  readString,
} from '@faultline/model';
import { isSqlState } from './error-codes.js';
import type { RecordedException } from './exception-event.js';
import { exceptionOf } from './exception-event.js';
import type { PoolState } from './types.js';

/** Attributes our pg-pool enrichment (@faultline/instrument) adds to `pg-pool.connect` spans. */
export const POOL_STATE_KEYS = {
  total: 'faultline.pool.total',
  idle: 'faultline.pool.idle',
  waiting: 'faultline.pool.waiting',
  max: 'faultline.pool.max',
  exhausted: 'faultline.pool.exhausted',
} as const;

/** instrumentation-pg's own copy of the pool's configured size (set when pg-pool exposes it). */
const PG_MAX_CLIENT = 'db.postgresql.max.client';

/** Everything a span says about how it failed, normalised for the cause rules. */
export interface FailureSignals {
  exception?: RecordedException;
  statusMessage?: string;
  errorType?: string;
  httpStatusCode?: number;
  /** Codes and error class names seen anywhere on the span (ECONNREFUSED, UND_ERR_SOCKET, 57014, TimeoutError). */
  codes: Set<string>;
  /** SQLSTATE or driver error code of a database failure. */
  dbErrorCode?: string;
  /** Free-text messages (exception message, status message, first stack line) for message rules. */
  messages: string[];
  pool?: PoolState;
  /** Set by our enrichment when the checkout failed with every connection taken. */
  poolExhausted: boolean;
}

const CODE_TOKEN = /\b[A-Z][A-Z0-9_]{2,}\b/g;
// instrumentation-pg records a sanitised exception: "PostgreSQL error of type 'error' occurred (code: 42P01)".
const PG_SANITISED_CODE = /\(code: ([0-9A-Z]{5})\)/;
const PG_SANITISED_MESSAGE = /^PostgreSQL error of type '[^']*' occurred \(code: [^)]*\)$/;

/**
 * True for instrumentation-pg's sanitised exception message, which hides the driver's text (the span's
 * status message keeps it) and carries at most a SQLSTATE.
 */
export function isPgSanitisedMessage(message: string): boolean {
  return PG_SANITISED_MESSAGE.test(message);
}

/** Reads the failure signals of one span. */
export function failureSignalsOf(span: Span): FailureSignals {
  const exception = exceptionOf(span);
  const statusMessage = span.status.message || undefined;
  const errorType = readString(span.attributes, ERROR_TYPE);
  const messages = [exception?.message, statusMessage, exception?.stacktrace?.split('\n', 1)[0]].filter(
    (m): m is string => m !== undefined && m !== '',
  );

  const codes = new Set<string>();
  for (const value of [exception?.type, exception?.name, errorType]) if (value) codes.add(value);
  for (const text of messages) for (const token of text.match(CODE_TOKEN) ?? []) codes.add(token);

  return {
    exception,
    statusMessage,
    errorType,
    httpStatusCode: httpStatusCodeOf(span.attributes),
    codes,
    dbErrorCode: dbErrorCodeOf(span, exception, errorType, codes),
    messages,
    pool: poolStateOf(span),
    poolExhausted: span.attributes[POOL_STATE_KEYS.exhausted] === true || errorType === 'pool_exhausted',
  };
}

function dbErrorCodeOf(
  span: Span,
  exception: RecordedException | undefined,
  errorType: string | undefined,
  codes: ReadonlySet<string>,
): string | undefined {
  const recorded = readString(span.attributes, DB_RESPONSE_STATUS_CODE);
  if (recorded) return recorded;
  const sanitised = exception?.message ? PG_SANITISED_CODE.exec(exception.message)?.[1] : undefined;
  if (sanitised) return sanitised;
  for (const candidate of [exception?.type, errorType])
    if (candidate && isSqlState(candidate)) return candidate;
  for (const code of codes) if (/^(?:SQLITE_|ER_|PROTOCOL_)/.test(code)) return code;
  return undefined;
}

function poolStateOf(span: Span): PoolState | undefined {
  const attributes = span.attributes;
  const pool: PoolState = {
    total: readInteger(attributes, [POOL_STATE_KEYS.total]),
    idle: readInteger(attributes, [POOL_STATE_KEYS.idle]),
    waiting: readInteger(attributes, [POOL_STATE_KEYS.waiting]),
    max: readInteger(attributes, [POOL_STATE_KEYS.max, PG_MAX_CLIENT]),
  };
  for (const key of Object.keys(pool) as (keyof PoolState)[]) if (pool[key] === undefined) delete pool[key];
  return Object.keys(pool).length > 0 ? pool : undefined;
}

/** True when some message matches one of `patterns`. */
export function anyMessageMatches(signals: FailureSignals, patterns: readonly RegExp[]): RegExp | undefined {
  return patterns.find((pattern) => signals.messages.some((m) => pattern.test(m)));
}

/** The first of `signals.codes` in `set`, or undefined. */
export function firstCodeIn(signals: FailureSignals, set: ReadonlySet<string>): string | undefined {
  for (const code of signals.codes) if (set.has(code)) return code;
  return undefined;
}
