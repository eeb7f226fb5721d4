import type { Cause } from './types.js';

/** A short phrase per cause, as a person reads it in the UI ("connection pool exhausted"). */
export const CAUSE_LABELS: Readonly<Record<Cause, string>> = {
  exception: 'unhandled exception',
  db_pool_exhausted: 'connection pool exhausted',
  db_timeout: 'database query timed out',
  db_error: 'database rejected the query',
  upstream_unreachable: 'upstream unreachable',
  upstream_timeout: 'upstream timed out',
  uninstrumented_upstream: 'uninstrumented upstream answered 5xx',
  explicit_5xx: 'handler answered 5xx explicitly',
  unknown: 'unknown cause',
};

/** Every cause name, in the contract's order. */
export const CAUSES: readonly Cause[] = [
  'exception',
  'db_pool_exhausted',
  'db_timeout',
  'db_error',
  'upstream_unreachable',
  'upstream_timeout',
  'uninstrumented_upstream',
  'explicit_5xx',
  'unknown',
];
