/*
 * Error codes and messages real drivers and HTTP clients produce, grouped by what they mean for the
 * on-call engineer. Sources: Node's net/dns/tls error codes (nodejs.org/api/errors.html), undici's
 * lib/core/errors.js (UND_ERR_*), the DOMException names fetch rejects with, PostgreSQL's SQLSTATE table
 * (postgresql.org/docs/current/errcodes-appendix.html), pg and pg-pool's own messages, SQLite result
 * codes (sqlite.org/rescode.html), MySQL/MariaDB server errors (errno, SQLSTATE and the names mysql2 and
 * mysql give them), and the error classes and messages of ioredis, node-redis and the mongodb driver.
 */

/**
 * Codes that only a connection attempt produces: refused, DNS, routing, a socket lost before the
 * answer, TLS. They are connection evidence on any span (a handler that rethrew a driver's error
 * carries them too). Codes that merely start with E or ERR_ (ERR_INVALID_URL, thrown by `new URL`
 * before any call) are not, and are not listed here.
 */
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
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/**
 * Codes of an answer that was not HTTP (the peer is something else): connection evidence only on the
 * client span of the call that received it, since an HTTP parser error in a server means a bad request.
 */
export const NOT_HTTP_ANSWER_CODES: ReadonlySet<string> = new Set([
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
  'ER_LOCK_WAIT_TIMEOUT', // MySQL/MariaDB 1205: innodb_lock_wait_timeout
  'ER_QUERY_TIMEOUT', // MySQL 3024: max_execution_time (mysql2's name for it)
  'ER_STATEMENT_TIMEOUT', // MariaDB 1969: max_statement_time (the MariaDB connector's name; mysql2 has none)
  'PROTOCOL_SEQUENCE_TIMEOUT', // mysql/mysql2 client-side query timeout
  // The same as MySQL error numbers, as `db.response.status_code` carries them under the semantic
  // conventions for MySQL/MariaDB.
  '1205',
  '1969',
  '3024',
]);

/**
 * Driver codes meaning the database refused or lost the connection: MySQL/MariaDB 1040 "Too many
 * connections" (SQLSTATE 08004), and mysql/mysql2's lost-connection codes.
 */
export const DB_CONNECTION_CODES: ReadonlySet<string> = new Set([
  'ER_CON_COUNT_ERROR',
  '1040',
  'PROTOCOL_CONNECTION_LOST',
]);

/**
 * Error classes a database or cache client raises when it could not reach its server or lost it:
 * ioredis (MaxRetriesPerRequestError, while reconnecting), node-redis (ClientClosedError,
 * ClientOfflineError, SocketClosedUnexpectedlyError), the mongodb driver (server selection failed,
 * network error, topology closed).
 */
export const STORE_UNREACHABLE_ERRORS: ReadonlySet<string> = new Set([
  'MaxRetriesPerRequestError',
  'ClientClosedError',
  'ClientOfflineError',
  'SocketClosedUnexpectedlyError',
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoTopologyClosedError',
]);

/** Messages of the same, for spans that recorded only a status message or a plain Error. */
export const STORE_UNREACHABLE_MESSAGES: readonly RegExp[] = [
  /^connection is closed\.?$/i, // ioredis: the connection dropped with the command in flight
  /^stream isn't writeable and enableOfflineQueue options is false$/i, // ioredis, while disconnected
  /^reached the max retries per request limit/i, // ioredis MaxRetriesPerRequestError
  /^socket closed unexpectedly$/i, // node-redis SocketClosedUnexpectedlyError
  /^the client is (?:closed|offline)$/i, // node-redis ClientClosedError / ClientOfflineError
  /^too many connections$/i, // MySQL/MariaDB 1040
  /^connection lost: the server closed the connection\.?$/i, // mysql/mysql2 PROTOCOL_CONNECTION_LOST
  // mongodb MongoNetworkError, which instrumentation-mongodb records as the command span's status message only
  /^connection (?:\d+|<monitor>) to \S+ closed$/,
];

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
  /maximum statement execution time exceeded/i, // MySQL 3024 (max_execution_time)
  /max_statement_time exceeded/i, // MariaDB 1969: mysql2 gives it no code, mysql calls it UNKNOWN_CODE_PLEASE_REPORT
  /^BUSY Redis is busy running a script/, // Redis BUSY reply: a script held the server past busy-reply-threshold
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
