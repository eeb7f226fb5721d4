import { describe, expect, it } from 'vitest';
import { TraceBuilder } from '../test/fixtures/trace-builder.js';
import { correlatedLogs, MAX_EVIDENCE_LOGS } from './correlated-logs.js';

describe('correlatedLogs', () => {
  const t = new TraceBuilder();
  const origin = t.span({ service: 'orders', name: 'pg.query', kind: 'CLIENT', startMs: 0, endMs: 5 });
  const other = t.span({ service: 'gateway', name: 'GET', kind: 'CLIENT', startMs: 0, endMs: 6 });

  it("prefers the origin span's own warnings and errors, oldest first", () => {
    const logs = [
      t.log(origin, 4, 'ERROR', 'query failed'),
      t.log(origin, 2, 'WARN', 'slow checkout'),
      t.log(origin, 1, 'INFO', 'checking out a client'),
      t.log(other, 3, 'ERROR', 'upstream failed'),
    ];
    expect(correlatedLogs(logs, t.traceId, origin.spanId).map((l) => l.body)).toEqual([
      'slow checkout',
      'query failed',
    ]);
  });

  it("falls back to the whole trace's warnings when the origin logged none", () => {
    const logs = [t.log(other, 3, 'ERROR', 'upstream failed'), t.log(origin, 1, 'INFO', 'fine')];
    expect(correlatedLogs(logs, t.traceId, origin.spanId).map((l) => l.body)).toEqual(['upstream failed']);
  });

  it('keeps at most 20, the oldest', () => {
    const logs = Array.from({ length: 30 }, (_, i) => t.log(origin, 30 - i, 'ERROR', `line ${30 - i}`));
    const kept = correlatedLogs(logs, t.traceId, origin.spanId);
    expect(kept).toHaveLength(MAX_EVIDENCE_LOGS);
    expect(kept[0]?.body).toBe('line 1');
  });
});
