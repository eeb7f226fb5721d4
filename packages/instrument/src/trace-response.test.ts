import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { formatTraceResponse, installTraceResponseWriter, rememberTraceResponse } from './trace-response.js';

const context = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };

function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

describe('formatTraceResponse', () => {
  it('formats version, trace id, span id and two-digit flags (W3C Trace Context Level 2)', () => {
    expect(formatTraceResponse(context)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(formatTraceResponse({ ...context, traceFlags: 0 })).toBe(
      '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00',
    );
  });

  it('gives nothing for an invalid span context', () => {
    expect(formatTraceResponse({ ...context, traceId: '0'.repeat(32) })).toBeUndefined();
  });
});

describe('installTraceResponseWriter', () => {
  it('writes the remembered header with writeHead, even after every header was removed', () => {
    const uninstall = installTraceResponseWriter();
    try {
      const res = response();
      rememberTraceResponse(trace.wrapSpanContext(context), res);
      res.setHeader('x-before', '1');
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      res.writeHead(500, { 'content-type': 'text/plain' });
      expect(res.getHeader('traceresponse')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
      expect(res.getHeader('content-type')).toBe('text/plain');
    } finally {
      uninstall();
    }
  });

  it('leaves a traceresponse header the app set itself alone', () => {
    const uninstall = installTraceResponseWriter();
    try {
      const res = response();
      rememberTraceResponse(trace.wrapSpanContext(context), res);
      res.setHeader('traceresponse', 'app-owned');
      res.writeHead(200);
      expect(res.getHeader('traceresponse')).toBe('app-owned');
    } finally {
      uninstall();
    }
  });
});
