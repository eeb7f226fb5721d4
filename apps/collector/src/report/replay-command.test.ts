import { describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { replayCommand, shellQuote } from './replay-command.js';

describe('replayCommand', () => {
  it('replays method, URL and recorded headers, never credentials', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'http.request.method': 'POST',
        'url.full': 'http://gateway:8320/api/checkout?cart=7',
        'http.request.header.content-type': ['application/json'],
        'http.request.header.cookie': ['session=abc'],
        'http.request.header.authorization': ['Bearer secret'],
      },
    });
    const command = replayCommand(span)!;
    expect(command).toBe(
      "curl -i -X POST 'http://gateway:8320/api/checkout?cart=7' -H 'content-type: application/json'",
    );
    expect(command).not.toMatch(/session|secret/);
  });

  it('rebuilds the URL from path, query, host and port when no full URL was recorded', () => {
    const span = makeSpan({
      traceId: newTraceId(),
      attributes: {
        'url.path': '/orders/17',
        'url.query': 'x=1',
        'server.address': 'orders',
        'server.port': 8321,
      },
    });
    expect(replayCommand(span)).toBe("curl -i -X GET 'http://orders:8321/orders/17?x=1'");
  });

  it('quotes shell metacharacters so a hostile URL cannot run anything', () => {
    expect(shellQuote("a'; rm -rf / #")).toBe("'a'\\''; rm -rf / #'");
  });
});
