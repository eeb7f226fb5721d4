import type { Span } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { OpenServerSpan } from './open-server-spans.js';
import { OpenServerSpans } from './open-server-spans.js';

const entry = (name: string, recording = true): OpenServerSpan => {
  const span = { name } as unknown as Span;
  return {
    span,
    newerOpen: undefined,
    olderOpen: undefined,
    recordingSpan: () => (recording ? span : undefined),
  };
};
const names = (open: OpenServerSpans) =>
  open.list().map((span) => (span as unknown as { name: string }).name);

describe('OpenServerSpans', () => {
  it('lists the recording spans added and not removed, oldest first, whatever order they leave in', () => {
    const open = new OpenServerSpans();
    const [a, b, c, d] = [entry('a'), entry('b'), entry('c'), entry('d')];
    for (const request of [a, b, entry('unsampled', false), c, d]) open.add(request);
    expect(names(open)).toEqual(['a', 'b', 'c', 'd']);
    expect(open.size).toBe(5);
    open.remove(c);
    expect(names(open)).toEqual(['a', 'b', 'd']);
    open.remove(d);
    open.remove(a);
    expect(names(open)).toEqual(['b']);
    open.remove(a);
    open.remove(entry('never added'));
    expect(names(open)).toEqual(['b']);
    // Counted as requests in flight: the unsampled one too, and nothing twice or never added.
    expect(open.size).toBe(2);
    open.remove(b);
    expect(names(open)).toEqual([]);
    open.add(a);
    expect(names(open)).toEqual(['a']);
  });
});
