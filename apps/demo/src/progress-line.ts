/*
 * The one-line progress display of the traffic: rewritten in place (`\r`) on a terminal, one line
 * every 5 s otherwise (CI logs, pipes), so a log file does not fill with carriage returns.
 */
import type { Writable } from 'node:stream';
import type { TrafficStats } from './traffic.js';

/** The progress text for the current counts. */
export function formatProgress(stats: TrafficStats): string {
  const parts = [`traffic: ${stats.sent} requests sent`, `${stats.serverErrors} answered 5xx`];
  if (stats.unanswered > 0) parts.push(`${stats.unanswered} unanswered`);
  if (stats.lastServerError !== undefined) parts.push(`last: ${stats.lastServerError}`);
  return parts.join(', ');
}

/** A running display; `clear()` ends the line so the next output starts clean. */
export interface ProgressLine {
  clear(): void;
}

/** Shows `formatProgress(stats)` on `out`: every 250 ms in place on a TTY, else every 5 s. */
export function showProgress(
  stats: TrafficStats,
  out: Writable & { isTTY?: boolean; columns?: number },
): ProgressLine {
  const tty = out.isTTY === true;
  let shown = false;
  const draw = (): void => {
    const text = formatProgress(stats);
    if (tty) {
      // A pseudo-terminal without a size reports 0 columns.
      const width = Math.max(20, (out.columns || 100) - 1);
      out.write(`\r${text.slice(0, width).padEnd(width)}`);
      shown = true;
    } else {
      out.write(`${text}\n`);
    }
  };
  const timer = setInterval(draw, tty ? 250 : 5000);
  timer.unref();
  return {
    clear: () => {
      clearInterval(timer);
      if (shown) out.write('\n');
      shown = false;
    },
  };
}
