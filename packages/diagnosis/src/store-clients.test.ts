import type { Attributes, Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import type { ErrorSpec } from '../test/fixtures/trace-builder.js';
import { exceptionEvent, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { withCallerDriverCode } from './caller-code.js';
import { classifyCause } from './classify-cause.js';
import { failureSignalsOf } from './failure-signals.js';
import { nextStepsFor } from './next-steps.js';
import { buildTraceTree } from './trace-tree.js';
import type { Cause, Evidence } from './types.js';

// The shapes below are what the real clients and their OpenTelemetry instrumentations recorded in the
// fault zoo (apps/fault-zoo): instrumentation-mysql2/-mysql set only the status message, -ioredis,
// -redis and -knex also record the exception; the handler's Koa span records the driver's error.
const MYSQL: Attributes = { 'db.system.name': 'mysql', 'server.address': 'db', 'server.port': 3306 };
const REDIS: Attributes = { 'db.system': 'redis', 'net.peer.name': 'cache', 'net.peer.port': 6379 };

interface Case {
  name: string;
  kind?: Span['kind'];
  attributes?: Attributes;
  statusMessage?: string;
  error?: ErrorSpec;
  /** The error the handler span above it recorded (the driver's `code` as exception.type). */
  handlerError?: ErrorSpec;
}

function classify(c: Case): { cause: Cause; dbErrorCode: string | undefined } {
  const t = new TraceBuilder();
  const handler = t.span({
    service: 'store',
    name: 'middleware - route',
    kind: 'INTERNAL',
    startMs: 0,
    endMs: 4,
    status: { code: 'ERROR', message: c.handlerError?.message ?? 'x' },
    events: c.handlerError ? [exceptionEvent(3, c.handlerError)] : [],
  });
  const span = t.span({
    service: 'store',
    name: c.name,
    kind: c.kind ?? 'CLIENT',
    parent: handler,
    startMs: 1,
    endMs: 2,
    attributes: c.attributes ?? {},
    status: { code: 'ERROR', message: c.statusMessage ?? c.error?.message ?? '' },
    events: c.error ? [exceptionEvent(1, c.error)] : [],
  });
  const origin = buildTraceTree(t.spans).nodesById.get(span.spanId)!;
  const signals = withCallerDriverCode(failureSignalsOf(span), origin);
  return {
    cause: classifyCause({ origin, signals, abandoned: false }).cause,
    dbErrorCode: signals.dbErrorCode,
  };
}

const cases: [string, Cause, Case][] = [
  [
    'mysql2: MariaDB max_statement_time (1969, no code, message only)',
    'db_timeout',
    {
      name: 'SELECT',
      attributes: MYSQL,
      statusMessage: 'Query execution was interrupted (max_statement_time exceeded)',
    },
  ],
  [
    'mysql2: MySQL max_execution_time (3024, ER_QUERY_TIMEOUT on the handler)',
    'db_timeout',
    {
      name: 'SELECT',
      attributes: MYSQL,
      statusMessage: 'Query execution was interrupted, maximum statement execution time exceeded',
      handlerError: {
        name: 'Error',
        code: 'ER_QUERY_TIMEOUT',
        message: 'Query execution was interrupted, maximum statement execution time exceeded',
      },
    },
  ],
  [
    'mysql: errno 1969 in db.response.status_code (semantic conventions), neutral message',
    'db_timeout',
    {
      name: 'SELECT',
      attributes: { ...MYSQL, 'db.response.status_code': '1969' },
      statusMessage: 'interrupted',
    },
  ],
  [
    'mysql2: too many connections (ER_CON_COUNT_ERROR) thrown by the handler, no query span',
    'upstream_unreachable',
    {
      name: 'checkout',
      kind: 'INTERNAL',
      error: { name: 'Error', code: 'ER_CON_COUNT_ERROR', message: 'Too many connections' },
    },
  ],
  [
    'ioredis: MaxRetriesPerRequestError while the server refuses',
    'upstream_unreachable',
    {
      name: 'get',
      attributes: REDIS,
      error: {
        name: 'MaxRetriesPerRequestError',
        message: 'Reached the max retries per request limit (which is 20).',
      },
    },
  ],
  [
    'ioredis: Connection is closed.',
    'upstream_unreachable',
    { name: 'blpop', attributes: REDIS, error: { name: 'Error', message: 'Connection is closed.' } },
  ],
  [
    'ioredis: -ERR reply',
    'db_error',
    {
      name: 'hget',
      attributes: REDIS,
      error: { name: 'ReplyError', message: "ERR unknown command 'HGETT'" },
    },
  ],
  [
    'redis: BUSY reply',
    'db_timeout',
    {
      name: 'redis-GET',
      attributes: REDIS,
      error: {
        name: 'ErrorReply',
        message: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
      },
    },
  ],
  [
    'mongodb: server selection timed out (no command span: the handler recorded it)',
    'upstream_unreachable',
    {
      name: 'middleware - find',
      kind: 'INTERNAL',
      error: { name: 'MongoServerSelectionError', message: 'Server selection timed out after 30000 ms' },
    },
  ],
  [
    'mongodb: a command span whose connection dropped (MongoNetworkError, status message only)',
    'upstream_unreachable',
    {
      name: 'find carts',
      attributes: { 'db.system.name': 'mongodb', 'server.address': 'db', 'server.port': 27017 },
      statusMessage: 'connection 1 to 10.0.0.7:27017 closed',
    },
  ],
  [
    'Koa middleware: TypeError: Invalid URL (ERR_INVALID_URL) before any call',
    'exception',
    {
      name: 'middleware - parse',
      kind: 'INTERNAL',
      error: { name: 'TypeError', code: 'ERR_INVALID_URL', message: 'Invalid URL' },
    },
  ],
  [
    'app code: another ERR_* code (ERR_INVALID_ARG_TYPE) is not a connection failure',
    'exception',
    {
      name: 'render',
      kind: 'INTERNAL',
      error: {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
        message: 'The "path" argument must be of type string',
      },
    },
  ],
  [
    'a server-side HTTP parse error (HPE_INVALID_CONSTANT) is not an unreachable upstream',
    'exception',
    {
      name: 'parse',
      kind: 'INTERNAL',
      error: { name: 'Error', code: 'HPE_INVALID_CONSTANT', message: 'Parse Error: Expected HTTP/' },
    },
  ],
  [
    'an HTTP client span that got a non-HTTP answer (HPE_INVALID_CONSTANT) is unreachable',
    'upstream_unreachable',
    {
      name: 'GET',
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'http://cache:6379/',
        'server.address': 'cache',
      },
      error: { name: 'Error', code: 'HPE_INVALID_CONSTANT', message: 'Parse Error: Expected HTTP/' },
    },
  ],
];

describe('classifyCause on database and cache clients', () => {
  it.each(cases)('%s -> %s', (_case, cause, c) => {
    expect(classify(c).cause).toBe(cause);
  });

  it("reads a mysql2 span's driver code from the handler that rethrew the same error (deadlock 1213)", () => {
    const message = 'Deadlock found when trying to get lock; try restarting transaction';
    const result = classify({
      name: 'UPDATE',
      attributes: MYSQL,
      statusMessage: message,
      handlerError: { name: 'Error', code: 'ER_LOCK_DEADLOCK', message },
    });
    expect(result).toEqual({ cause: 'db_error', dbErrorCode: 'ER_LOCK_DEADLOCK' });
  });

  it('takes no code from a handler whose error is another one', () => {
    const result = classify({
      name: 'UPDATE',
      attributes: MYSQL,
      statusMessage: 'Deadlock found when trying to get lock; try restarting transaction',
      handlerError: { name: 'Error', code: 'ER_OTHER', message: 'something else' },
    });
    expect(result.dbErrorCode).toBeUndefined();
  });
});

describe('next steps for database and cache clients', () => {
  const base: Evidence = {
    matchedRule: '',
    operation: 'x',
    spanName: 'x',
    spanKind: 'CLIENT',
    durationMs: 1,
    logs: [],
  };

  it('name MySQL lock waits and time limits for a mysql db_timeout, not PostgreSQL views', () => {
    const steps = nextStepsFor('db_timeout', { ...base, dbSystem: 'mysql' });
    expect(steps.join(' ')).toContain('innodb_lock_wait_timeout');
    expect(steps.join(' ')).not.toContain('pg_locks');
  });

  it('name the driver code of a mysql db_error and what ER_LOCK_DEADLOCK asks for', () => {
    const steps = nextStepsFor('db_error', { ...base, dbSystem: 'mysql', dbErrorCode: 'ER_LOCK_DEADLOCK' });
    expect(steps[0]).toContain('Read the error code ER_LOCK_DEADLOCK:');
    expect(steps[0]).toContain('retry the whole transaction');
  });

  it('name BUSY scripts for a redis db_timeout, and max_connections for MySQL 1040 on a handler span', () => {
    expect(nextStepsFor('db_timeout', { ...base, dbSystem: 'redis' })[0]).toContain('BUSY');
    const refused = nextStepsFor('upstream_unreachable', { ...base, dbErrorCode: 'ER_CON_COUNT_ERROR' });
    expect(refused[0]).toContain('max_connections');
  });

  it('keep the general steps for PostgreSQL and for HTTP upstreams', () => {
    expect(nextStepsFor('db_timeout', { ...base, dbSystem: 'postgresql' }).join(' ')).toContain('pg_locks');
    expect(nextStepsFor('upstream_unreachable', { ...base, peerAddress: 'orders:4001' })[0]).toContain(
      'orders:4001',
    );
  });
});
