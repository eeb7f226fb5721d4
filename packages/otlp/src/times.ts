// OTLP carries times as fixed64 nanoseconds since the Unix epoch, unsigned. Stores (SQLite INTEGER,
// ClickHouse Int64 arithmetic) hold signed 64-bit integers, so anything past 2^63 - 1 ns, which is
// 2262-04-11T23:47:16Z, cannot be kept. Such a time is a corrupt or hand-made item, not a clock:
// the item is rejected (partial success) rather than failing the whole batch at write time.

/** The latest nanosecond timestamp a store can hold: 2^63 - 1 (2262-04-11T23:47:16.854775807Z). */
export const LATEST_TIME_UNIX_NANO = 0x7fffffffffffffffn;

/** Why a nanosecond time is unusable; '' when it is fine. */
export function timeProblem(label: string, unixNano: bigint): string {
  if (unixNano <= LATEST_TIME_UNIX_NANO) return '';
  return `${label} ${unixNano} ns is past 2262-04-11, the latest time that can be stored`;
}
