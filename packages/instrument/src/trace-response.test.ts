import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  it.each([
    ['an object of headers and no setHeader (the way Fastify answers)', { 'content-type': 'text/plain' }],
    ['a status message and an object of headers', { 'content-type': 'text/plain' }],
    ['no headers at all', undefined],
  ])('puts the header on the wire for writeHead with %s, beside the headers given', async (how, headers) => {
    const uninstall = installTraceResponseWriter();
    const server = createServer((_req, res) => {
      rememberTraceResponse(trace.wrapSpanContext(context), res);
      if (how.startsWith('a status message')) res.writeHead(200, 'Fine', headers);
      else res.writeHead(200, headers);
      res.end('ok');
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(answer.headers.get('traceresponse')).toBe(
        '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      );
      expect(answer.headers.get('content-type')).toBe(headers === undefined ? null : 'text/plain');
      expect(await answer.text()).toBe('ok');
    } finally {
      uninstall();
      server.close();
    }
  });

  it('leaves a traceresponse header passed to writeHead alone, whatever its case', async () => {
    const uninstall = installTraceResponseWriter();
    const server = createServer((_req, res) => {
      rememberTraceResponse(trace.wrapSpanContext(context), res);
      res.writeHead(200, { TraceResponse: 'app-owned' });
      res.end();
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(answer.headers.get('traceresponse')).toBe('app-owned');
    } finally {
      uninstall();
      server.close();
    }
  });
});
