import type { Span } from '@faultline/model';
import { describe, expect, it } from 'vitest';
import { exceptionEvent, TraceBuilder } from '../test/fixtures/trace-builder.js';
import { isClientError4xx, isErrorSpan } from './error-span.js';
import { isFailingEntry, isFailingTrace } from './failing-trace.js';

const t = new TraceBuilder();
function span(
  kind: Span['kind'],
  attributes: Span['attributes'],
  status: Span['status'] = { code: 'UNSET' },
  events: Span['events'] = [],
): Span {
  return t.span({ service: 's', name: 'op', kind, startMs: 0, endMs: 1, attributes, status, events });
}

describe('isErrorSpan', () => {
  it.each([
    ['status ERROR', span('INTERNAL', {}, { code: 'ERROR' }), true],
    ['a server that answered 500 (new key)', span('SERVER', { 'http.response.status_code': 500 }), true],
    [
      'a server that answered 503 (old key, status left UNSET by an old instrumentation)',
      span('SERVER', { 'http.status_code': 503 }),
      true,
    ],
    ['a client that received 502 (old key)', span('CLIENT', { 'http.status_code': 502 }), true],
    [
      'a client that received 404 with status UNSET',
      span('CLIENT', { 'http.response.status_code': 404 }),
      false,
    ],
    [
      'a client that received 404 marked ERROR (undici)',
      span('CLIENT', { 'http.response.status_code': 404 }, { code: 'ERROR' }),
      true,
    ],
    ['a server that answered 404', span('SERVER', { 'http.response.status_code': 404 }), false],
    [
      'an exception event',
      span('INTERNAL', {}, { code: 'UNSET' }, [exceptionEvent(1, { name: 'Error', message: 'x' })]),
      true,
    ],
    [
      'an INTERNAL span carrying a 500 attribute',
      span('INTERNAL', { 'http.response.status_code': 500 }),
      false,
    ],
  ])('%s -> %s', (_case, s, expected) => {
    expect(isErrorSpan(s)).toBe(expected);
  });

  it('tells a received 4xx apart from other client failures', () => {
    expect(isClientError4xx(span('CLIENT', { 'http.response.status_code': 404 }, { code: 'ERROR' }))).toBe(
      true,
    );
    expect(isClientError4xx(span('CLIENT', { 'http.response.status_code': 503 }, { code: 'ERROR' }))).toBe(
      false,
    );
  });
});

describe('isFailingTrace', () => {
  it.each([
    ['answered 500', { 'http.response.status_code': 500 }, { code: 'ERROR' as const }, true],
    [
      'answered 200 although a call inside failed',
      { 'http.response.status_code': 200 },
      { code: 'UNSET' as const },
      false,
    ],
    ['answered 404 marked ERROR', { 'http.response.status_code': 404 }, { code: 'ERROR' as const }, false],
    ['ended in ERROR without a status', {}, { code: 'ERROR' as const }, true],
  ])('an entry that %s -> %s', (_case, attributes, status, expected) => {
    const b = new TraceBuilder();
    const root = b.span({
      service: 'gw',
      name: 'GET /',
      kind: 'SERVER',
      startMs: 0,
      endMs: 10,
      attributes,
      status,
    });
    b.span({
      service: 'gw',
      name: 'GET',
      kind: 'CLIENT',
      parent: root,
      startMs: 1,
      endMs: 2,
      attributes: { 'http.response.status_code': 503 },
      status: { code: 'ERROR' },
    });
    expect(isFailingTrace(b.spans)).toBe(expected);
    expect(isFailingEntry(root)).toBe(expected);
  });
});
