import type { Attributes } from '@faultline/model';

/** An attribute value seen more often among failing spans than among succeeding ones. */
export interface OverRepresentedValue {
  key: string;
  value: string;
  /** Share of failing spans carrying this value (0..1). */
  failingShare: number;
  /** Share of succeeding spans of the same operation carrying it (0..1). */
  baselineShare: number;
}

/** Values that identify one request rather than a population (ids, URLs, times) say nothing here. */
const PER_REQUEST_KEY = /(^|\.)(id|uuid|url|full|path|target|query|time|duration|pid)$|trace|span|header\./;
/** Keys that describe the failure itself: of course they differ; the question is what else does. */
const OUTCOME_KEYS = new Set([
  'http.response.status_code',
  'http.status_code',
  'error.type',
  'otel.status_code',
  'otel.status_description',
  'db.response.status_code',
]);
/** Keys with more distinct values than this among the failing spans are per-request too. */
const MAX_DISTINCT = 20;
/** Report a value when its share among failures is at least this much above its share among successes. */
const MIN_SHARE_GAP = 0.25;

function tally(samples: readonly Attributes[]): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const attributes of samples) {
    for (const [key, raw] of Object.entries(attributes)) {
      if (PER_REQUEST_KEY.test(key) || OUTCOME_KEYS.has(key) || raw === null || typeof raw === 'object')
        continue;
      const value = String(raw);
      const values = counts.get(key) ?? new Map<string, number>();
      values.set(value, (values.get(value) ?? 0) + 1);
      counts.set(key, values);
    }
  }
  return counts;
}

/**
 * "What is different about the failing ones": attribute values (version, host, region, db namespace,
 * user agent…) over-represented among the failing spans of an operation compared with its succeeding
 * spans, largest gap first. Each sample is a span's attributes merged with its resource's.
 *
 * The case that motivated it: every failing request ran on `service.version=1.4.3` while successes
 * were spread over 1.4.2 and 1.4.3 — a bad deploy answered without a query language.
 */
export function overRepresentedValues(
  failing: readonly Attributes[],
  succeeding: readonly Attributes[],
): OverRepresentedValue[] {
  if (failing.length === 0) return [];
  const failingCounts = tally(failing);
  const succeedingCounts = tally(succeeding);
  const result: OverRepresentedValue[] = [];
  for (const [key, values] of failingCounts) {
    if (values.size > MAX_DISTINCT) continue;
    for (const [value, count] of values) {
      const failingShare = count / failing.length;
      const baselineShare =
        succeeding.length === 0 ? 0 : (succeedingCounts.get(key)?.get(value) ?? 0) / succeeding.length;
      if (failingShare - baselineShare >= MIN_SHARE_GAP)
        result.push({ key, value, failingShare, baselineShare });
    }
  }
  return result.sort(
    (a, b) =>
      b.failingShare - b.baselineShare - (a.failingShare - a.baselineShare) || a.key.localeCompare(b.key),
  );
}
