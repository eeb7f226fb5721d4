import { badQuery } from '../errors.js';
import type { TraceQuery } from '../store/types.js';

type Raw = Record<string, string | string[] | undefined>;

function one(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  const text = Array.isArray(value) ? value[value.length - 1] : value;
  return text === undefined || text === '' ? undefined : text;
}

function number(raw: Raw, name: string, min: number, max: number): number | undefined {
  const text = one(raw, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw badQuery(`${name} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** The latest time a signed 64-bit nanosecond column holds (2262-04-11): the store's range. */
const MAX_UNIX_NANO = 2n ** 63n - 1n;
/** The longest duration, in ms, that still fits that column as nanoseconds (~292 years). */
const MAX_DURATION_MS = Number(MAX_UNIX_NANO / 1_000_000n);

/**
 * Accepts nanoseconds (digits), milliseconds since the epoch (13 digits or fewer) or an ISO date,
 * from the epoch to 2262-04-11: a time past that fits no stored column and would fail in the store.
 */
export function parseTime(raw: Raw, name: string): bigint | undefined {
  const text = one(raw, name);
  if (text === undefined) return undefined;
  let ns: bigint;
  if (/^\d{1,13}$/.test(text)) ns = BigInt(text) * 1_000_000n;
  else if (/^\d{14,30}$/.test(text)) ns = BigInt(text);
  else {
    const ms = Date.parse(text);
    if (Number.isNaN(ms))
      throw badQuery(`${name} must be a time (ISO 8601, ms or ns since the epoch), got "${text}"`);
    ns = BigInt(ms) * 1_000_000n;
  }
  if (ns < 0n || ns > MAX_UNIX_NANO)
    throw badQuery(`${name} must be a time from 1970 to 2262-04-11, got "${text}"`);
  return ns;
}

/** The `limit` parameter: a page size from 1 to 1000. */
export function parseLimit(raw: Raw, fallback: number): number {
  return number(raw, 'limit', 1, 1000) ?? fallback;
}

/** `attr=key=value` (repeatable): span or resource attribute equality. */
function attributes(raw: Raw): Record<string, string> | undefined {
  const values = raw.attr === undefined ? [] : Array.isArray(raw.attr) ? raw.attr : [raw.attr];
  if (values.length === 0) return undefined;
  const result: Record<string, string> = {};
  for (const pair of values) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw badQuery(`attr must be key=value, got "${pair}"`);
    result[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return result;
}

/** Parses the query string of `GET /api/traces` into a store query, refusing what it cannot use. */
export function parseTraceQuery(raw: Raw): TraceQuery {
  const errors = one(raw, 'errors');
  if (errors !== undefined && !['true', 'false', '1', '0'].includes(errors)) {
    throw badQuery(`errors must be true or false, got "${errors}"`);
  }
  const query: TraceQuery = { limit: parseLimit(raw, 50) };
  const service = one(raw, 'service');
  const operation = one(raw, 'operation');
  const status = number(raw, 'status', 100, 599);
  const minDurationMs = number(raw, 'minDurationMs', 0, MAX_DURATION_MS);
  const maxDurationMs = number(raw, 'maxDurationMs', 0, MAX_DURATION_MS);
  const start = parseTime(raw, 'start');
  const end = parseTime(raw, 'end');
  const attrs = attributes(raw);
  const cursor = one(raw, 'cursor');
  const group = one(raw, 'group');
  if (group !== undefined) query.group = group;
  if (service !== undefined) query.service = service;
  if (operation !== undefined) query.operation = operation;
  if (errors === 'true' || errors === '1') query.errorsOnly = true;
  if (status !== undefined) query.httpStatusCode = Math.trunc(status);
  if (minDurationMs !== undefined) query.minDurationMs = minDurationMs;
  if (maxDurationMs !== undefined) query.maxDurationMs = maxDurationMs;
  if (start !== undefined) query.startTimeUnixNano = start;
  if (end !== undefined) query.endTimeUnixNano = end;
  if (attrs !== undefined) query.attributes = attrs;
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}
