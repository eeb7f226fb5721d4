import type { FailureGroup } from '../types.js';
import { blobToId } from './span-rows.js';

/** A `failure_groups` row as SQLite hands it back (lists are JSON text, times are safe integers). */
export interface GroupRow {
  fingerprint: string;
  origin_service: string;
  origin_operation: string;
  cause: string;
  exception_type: string | null;
  message: string | null;
  summary: string;
  count: bigint;
  saturated_count: bigint;
  first_seen_ns: bigint;
  last_seen_ns: bigint;
  first_version: string | null;
  versions: string;
  endpoints: string;
  latest_trace_id: Buffer;
  sample_trace_ids: string;
  origin_endpoints: string;
}

// Versions and endpoints a group lists: enough to read at a glance, bounded however many traces vary.
const MAX_LISTED = 20;

/** `json` (a JSON list) with `value` added, unless null, already there, or the list is full. */
export function addToSet(json: string, value: string | null): string {
  const values = JSON.parse(json) as string[];
  if (value === null || values.includes(value) || values.length >= MAX_LISTED) return json;
  return JSON.stringify([...values, value]);
}

/** The group a row stores, with its per-minute counts read apart. */
export function groupFromRow(row: GroupRow, perMinute: FailureGroup['perMinute']): FailureGroup {
  return {
    fingerprint: row.fingerprint,
    originService: row.origin_service,
    originOperation: row.origin_operation,
    cause: row.cause,
    exceptionType: row.exception_type,
    message: row.message,
    summary: row.summary,
    count: Number(row.count),
    saturatedCount: Number(row.saturated_count),
    firstSeenUnixNano: row.first_seen_ns,
    lastSeenUnixNano: row.last_seen_ns,
    firstVersion: row.first_version,
    versions: JSON.parse(row.versions) as string[],
    entryEndpoints: JSON.parse(row.endpoints) as string[],
    originEndpoints: JSON.parse(row.origin_endpoints) as string[],
    latestTraceId: blobToId(row.latest_trace_id),
    sampleTraceIds: JSON.parse(row.sample_trace_ids) as string[],
    perMinute,
  };
}
