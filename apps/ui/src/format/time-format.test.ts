import { describe, expect, it } from 'vitest';
import { formatAgo, formatClockTime, formatDateTime, formatDurationMs } from './time-format.js';

describe('formatDurationMs', () => {
  it('picks the unit a person reads', () => {
    expect(formatDurationMs(0.85)).toBe('850 µs');
    expect(formatDurationMs(1.5)).toBe('1.5 ms');
    expect(formatDurationMs(12.44)).toBe('12.4 ms');
    expect(formatDurationMs(250)).toBe('250 ms');
    expect(formatDurationMs(1250)).toBe('1.25 s');
    expect(formatDurationMs(125_000)).toBe('2 min 5 s');
  });
});

describe('formatAgo', () => {
  it('says how long ago in seconds, minutes, hours or days', () => {
    const now = 1_795_550_000_000;
    expect(formatAgo(now - 3_000, now)).toBe('just now');
    expect(formatAgo(now - 3 * 60_000, now)).toBe('3 min ago');
    expect(formatAgo(now - 5 * 3_600_000, now)).toBe('5 h ago');
    expect(formatAgo(now - 3 * 86_400_000, now)).toBe('3 d ago');
  });
});

describe('formatClockTime', () => {
  it('shows milliseconds', () => {
    expect(formatClockTime(1_795_550_000_412_000_000n)).toMatch(/\d\d:\d\d:\d\d[.,]412$/);
  });
});

describe('formatDateTime', () => {
  it('shows the date and time in the local zone, padded, with milliseconds', () => {
    const ms = Date.UTC(2026, 0, 5, 12, 0, 0, 7);
    const local = new Date(ms);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(formatDateTime(BigInt(ms) * 1_000_000n + 999_999n)).toBe(
      `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][local.getMonth()]} ` +
        `${local.getDate()}, ${local.getFullYear()} ` +
        `${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}.007`,
    );
  });
});
