import { describe, expect, it } from 'vitest';
import { makeLog, makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { REDACTED, Redactor } from './redactor.js';

describe('Redactor', () => {
  it('redacts credentials in headers and secret-named attributes, and keeps the rest', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'http.request.header.authorization': ['Bearer abc'],
        'http.request.header.cookie': ['session=1'],
        'http.response.header.set-cookie': ['session=2'],
        'db.password': 'hunter2',
        'app.api_key': 'k',
        'stripe.client_secret': 's',
        'user.token': 't',
        'llm.usage.total_tokens': 42,
        'http.route': '/login',
        'db.statement': 'SELECT 1',
      },
    });
    new Redactor().batch([span], []);
    expect(span.attributes).toEqual({
      'http.request.header.authorization': REDACTED,
      'http.request.header.cookie': REDACTED,
      'http.response.header.set-cookie': REDACTED,
      'db.password': REDACTED,
      'app.api_key': REDACTED,
      'stripe.client_secret': REDACTED,
      'user.token': REDACTED,
      'llm.usage.total_tokens': 42,
      'http.route': '/login',
      'db.statement': 'SELECT 1',
    });
  });

  it('scrubs secret query parameters from URLs', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'url.full': 'https://api.example/v1/x?id=7&access_token=abc123&page=2',
        'url.path': '/v1/x',
      },
    });
    new Redactor().batch([span], []);
    expect(span.attributes['url.full']).toBe(`https://api.example/v1/x?id=7&access_token=${REDACTED}&page=2`);
  });

  it('covers event, link, resource and log attributes, with a custom pattern', () => {
    const span = makeSpan({ traceId: newTraceId() });
    span.events.push({ name: 'e', timeUnixNano: 1n, attributes: { ssn: '123-45-6789' } });
    span.resource = { 'service.name': 'orders', ssn: 'x' };
    const log = makeLog(span, 'hello');
    log.attributes = { ssn: 'y', other: 'z' };
    new Redactor(/(^|\.)ssn$/).batch([span], [log]);
    expect(span.events[0]!.attributes.ssn).toBe(REDACTED);
    expect(span.resource.ssn).toBe(REDACTED);
    expect(log.attributes).toEqual({ ssn: REDACTED, other: 'z' });
  });
});
