import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { formatProgress, showProgress } from './progress-line.js';
import type { TrafficStats } from './traffic.js';

const stats = (over: Partial<TrafficStats> = {}): TrafficStats => ({
  sent: 120,
  answered: 118,
  serverErrors: 21,
  unanswered: 0,
  lastServerError: 'GET /api/orders/3 -> 500',
  ...over,
});

describe('formatProgress', () => {
  it('says how many requests were sent, how many came back 5xx, and the latest one', () => {
    expect(formatProgress(stats())).toBe(
      'traffic: 120 requests sent, 21 answered 5xx, last: GET /api/orders/3 -> 500',
    );
  });

  it('mentions unanswered requests only when there are some', () => {
    expect(formatProgress(stats({ unanswered: 3, lastServerError: undefined }))).toBe(
      'traffic: 120 requests sent, 21 answered 5xx, 3 unanswered',
    );
  });
});

describe('showProgress', () => {
  it('rewrites one line in place on a terminal and ends it when cleared', () => {
    vi.useFakeTimers();
    try {
      const out = Object.assign(new PassThrough(), { isTTY: true, columns: 60 });
      let written = '';
      out.on('data', (chunk: Buffer) => {
        written += chunk.toString();
      });
      const line = showProgress(stats(), out);
      vi.advanceTimersByTime(500);
      line.clear();
      out.end();
      expect(written.startsWith('\rtraffic: 120 requests sent')).toBe(true);
      expect(written.split('\r')).toHaveLength(3);
      expect(written.endsWith('\n')).toBe(true);
      expect(written.split('\n')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('writes a whole line every 5 s when the output is not a terminal', () => {
    vi.useFakeTimers();
    try {
      const out = new PassThrough();
      let written = '';
      out.on('data', (chunk: Buffer) => {
        written += chunk.toString();
      });
      const line = showProgress(stats(), out);
      vi.advanceTimersByTime(10_000);
      line.clear();
      expect(written).not.toContain('\r');
      expect(written.trimEnd().split('\n')).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
