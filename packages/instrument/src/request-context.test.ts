import { createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { getRPCMetadata, isTracingSuppressed, RPCType, suppressTracing } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { requestContext } from './request-context.js';

const caller = trace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
});
const server = trace.wrapSpanContext({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: '00f067aa0ba902b7',
  traceFlags: 1,
});
const TENANT = createContextKey('test tenant');

function parentContext() {
  const baggage = propagation.createBaggage({ user: { value: 'ada' } });
  return propagation.setBaggage(trace.setSpan(ROOT_CONTEXT, caller).setValue(TENANT, 'acme'), baggage);
}

describe('requestContext', () => {
  it("answers the API's and core's getters with the server span and RPC metadata, and the rest from its parent", () => {
    const rpc: RPCMetadata = { type: RPCType.HTTP, span: server };
    const context = requestContext(parentContext(), server, rpc);
    expect(trace.getSpan(context)).toBe(server);
    expect(getRPCMetadata(context)).toBe(rpc);
    expect(context.getValue(TENANT)).toBe('acme');
    expect(propagation.getBaggage(context)?.getEntry('user')?.value).toBe('ada');
  });

  it('derives contexts like the API does: the new value beside every old one, the original unchanged', () => {
    const rpc: RPCMetadata = { type: RPCType.HTTP, span: server };
    const context = requestContext(parentContext(), server, rpc);
    const child = trace.wrapSpanContext({ ...server.spanContext(), spanId: '53995c3f42cd8ad8' });
    const derived = trace.setSpan(context, child);
    expect(trace.getSpan(derived)).toBe(child);
    expect(getRPCMetadata(derived)).toBe(rpc);
    expect(derived.getValue(TENANT)).toBe('acme');
    expect(trace.getSpan(context)).toBe(server);

    const suppressed = suppressTracing(context);
    expect([isTracingSuppressed(suppressed), isTracingSuppressed(context)]).toEqual([true, false]);

    const withoutSpan = trace.deleteSpan(context);
    expect(trace.getSpan(withoutSpan)).toBeUndefined();
    expect(getRPCMetadata(withoutSpan)).toBe(rpc);
    expect(withoutSpan.getValue(TENANT)).toBe('acme');
  });
});
