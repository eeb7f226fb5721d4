/*
 * Times are shown in the viewer's local zone with millisecond precision; durations in the unit that
 * keeps three significant figures readable.
 */

// Written out by hand, not with Intl.DateTimeFormat: the first Intl object a page builds costs 30-60 ms
// of main-thread time in Chromium on the benchmark machine (ICU loads the locale's data; the same
// for a NumberFormat or a Collator), and a trace page shows a time in its first paint. The UI's words
// are English throughout, so its month names are too; the zone is still the viewer's own.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function clockOf(date: Date): string {
  const ms = date.getMilliseconds();
  const millis = ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`;
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}.${millis}`;
}

/** Milliseconds since the epoch of a nanosecond timestamp (sub-millisecond part dropped). */
export function unixNanoToMs(unixNano: bigint): number {
  return Number(unixNano / 1_000_000n);
}

/** A local wall-clock time with milliseconds, e.g. `14:03:07.412`. */
export function formatClockTime(unixNano: bigint): string {
  return clockOf(new Date(unixNanoToMs(unixNano)));
}

/** A local date and time with milliseconds, e.g. `Nov 24, 2025 14:03:07.412`. */
export function formatDateTime(unixNano: bigint): string {
  const date = new Date(unixNanoToMs(unixNano));
  return `${MONTHS[date.getMonth()]} ${date.getDate()}, ${date.getFullYear()} ${clockOf(date)}`;
}

/** A duration in ms as people read it: `850 µs`, `12.4 ms`, `1.25 s`, `2 min 5 s`. */
export function formatDurationMs(durationMs: number): string {
  if (!Number.isFinite(durationMs) || durationMs < 0) return '–';
  if (durationMs === 0) return '0 ms';
  if (durationMs < 1) return `${Math.round(durationMs * 1000)} µs`;
  if (durationMs < 10) return `${trimZeros(durationMs.toFixed(2))} ms`;
  if (durationMs < 100) return `${trimZeros(durationMs.toFixed(1))} ms`;
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`;
  if (durationMs < 60_000) return `${trimZeros((durationMs / 1000).toFixed(2))} s`;
  const minutes = Math.floor(durationMs / 60_000);
  const seconds = Math.round((durationMs % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** How long ago `thenMs` was, relative to `nowMs`: `just now`, `3 min ago`, `2 h ago`, `5 d ago`. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
