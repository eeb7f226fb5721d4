/*
 * Error codes and messages real drivers and HTTP clients produce, grouped by what they mean for the
 * on-call engineer. Sources: Node's net/dns/tls error codes (nodejs.org/api/errors.html), undici's
 * lib/core/errors.js (UND_ERR_*), the DOMException names fetch rejects with, PostgreSQL's SQLSTATE table
 * (postgresql.org/docs/current/errcodes-appendix.html), pg and pg-pool's own messages, SQLite result
 * codes (sqlite.org/rescode.html) and MySQL server error names.
 */

/** Codes meaning the call never reached a listening peer: refused, DNS, routing, TLS, or not HTTP at all. */
export const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ECONNRESET',
  'EPIPE',
  'EPROTO',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ERR_INVALID_URL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_STATUS',
]);

/** Codes and class names meaning the call was given up on: a timeout, or an abort (usually a timeout's). */
export const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNABORTED',
  'ABORT_ERR',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'ERR_HTTP_REQUEST_TIMEOUT',
  'TimeoutError',
  'AbortError',
  'ConnectTimeoutError',
  'HeadersTimeoutError',
  'BodyTimeoutError',
  'RequestAbortedError',
]);

/** Database codes meaning a query ran out of time or waited on a lock until it gave up. */
export const DB_TIMEOUT_CODES: ReadonlySet<string> = new Set([
  '57014', // query_canceled: statement_timeout, or a cancel request
  '55P03', // lock_not_available: lock_timeout
  '25P03', // idle_in_transaction_session_timeout
  // SQLite's lock wait ran out (busy_timeout). The demo calls this a database timeout-class fault, and so
  // do we: the query did not get the database in time. Evidence says "database locked".
  'SQLITE_BUSY',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_TIMEOUT',
  'PROTOCOL_SEQUENCE_TIMEOUT',
]);

/** Database codes meaning the connection to the database could not be made or was lost. */
export const DB_CONNECTION_SQLSTATES: ReadonlySet<string> = new Set([
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Messages of pool checkouts that gave up waiting for a free connection, by library. */
export const POOL_TIMEOUT_MESSAGES: readonly RegExp[] = [
  /timeout exceeded when trying to connect/i, // pg-pool
  /timeout acquiring a connection/i, // knex
  /resourcerequest timed out/i, // generic-pool
  /queue limit reached/i, // mysql / mysql2 pools with queueLimit
  /no connections available/i, // mysql2 with waitForConnections: false
  /connectionacquiretimeouterror|operation timeout/i, // sequelize
];

/** Messages drivers use for a query timeout or lock wait, when no code was recorded. */
export const DB_TIMEOUT_MESSAGES: readonly RegExp[] = [
  /statement timeout/i,
  /lock timeout/i,
  /query read timeout/i, // pg's client-side query_timeout
  /database is locked|database table is locked/i, // SQLite
  /lock wait timeout exceeded/i, // MySQL
  /maximum statement execution time exceeded/i, // MySQL
];

/** Generic words for "gave up waiting", in messages that carry no code. */
export const TIMEOUT_WORDS = /timed?[ -]?out|timeout|aborted/i;

/** The DOMException codes fetch rejections carry: 20 is AbortError, 23 is TimeoutError. */
export const DOM_ABORT_CODES: ReadonlySet<string> = new Set(['20', '23']);

/**
 * True for a PostgreSQL SQLSTATE (five characters: a class of two, a condition of three, at least one
 * digit, which keeps words like ERROR out).
 */
export function isSqlState(code: string): boolean {
  return (
    /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code) && /^(?:0[0-9A-Z]|[1-5][0-9A-Z]|F0|HV|P0|XX)/.test(code)
  );
}
