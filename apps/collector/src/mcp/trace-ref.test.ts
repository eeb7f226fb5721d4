import { describe, expect, it } from 'vitest';
import { isSpanId, parseTraceRef } from './trace-ref.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceRef', () => {
  it('takes a trace id, upper case too', () => {
    expect(parseTraceRef(TRACE)).toEqual({ traceId: TRACE, entrySpanId: null });
    expect(parseTraceRef(` ${TRACE.toUpperCase()}\n`)).toEqual({ traceId: TRACE, entrySpanId: null });
  });

  it('takes the traceresponse value, bare or as curl -i prints the header line', () => {
    const expected = { traceId: TRACE, entrySpanId: SPAN };
    expect(parseTraceRef(`00-${TRACE}-${SPAN}-01`)).toEqual(expected);
    expect(parseTraceRef(`traceresponse: 00-${TRACE}-${SPAN}-01\r\n`)).toEqual(expected);
    expect(parseTraceRef(`TraceResponse:00-${TRACE}-${SPAN}-00`)).toEqual(expected);
  });

  it('refuses anything else: wrong lengths, all-zero ids, version ff, other headers', () => {
    for (const bad of [
      '',
      TRACE.slice(1),
      `${TRACE}0`,
      '0'.repeat(32),
      `00-${'0'.repeat(32)}-${SPAN}-01`,
      `00-${TRACE}-${'0'.repeat(16)}-01`,
      `ff-${TRACE}-${SPAN}-01`,
      `traceparent: 00-${TRACE}-${SPAN}-01`,
      `${TRACE}; drop table spans`,
    ]) {
      expect(parseTraceRef(bad), bad).toBeNull();
    }
  });
});

describe('isSpanId', () => {
  it('is 16 lowercase hex characters, not all zero', () => {
    expect(isSpanId(SPAN)).toBe(true);
    expect(isSpanId('0'.repeat(16))).toBe(false);
    expect(isSpanId(`${SPAN}0`)).toBe(false);
    expect(isSpanId('zz')).toBe(false);
  });
});
