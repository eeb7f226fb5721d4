import { describe, expect, it } from 'vitest';
import { diagnoseTrace } from '../src/index.js';
import { errorWithStack } from './fixtures/faults.js';
import { callOrders, gatewayRequest } from './fixtures/services.js';
import { TraceBuilder } from './fixtures/trace-builder.js';

const rethrown = errorWithStack(
  'Error',
  'orders answered 500',
  undefined,
  'getOrder (/srv/gateway/src/routes/orders.js:17:11)',
);
const deadlock = { code: '40P01', message: 'deadlock detected' };

describe('the answer a client received comes from the server that sent it', () => {
  it('follows into orders even when its server span ended after the gateway client span (flush on a busy loop)', () => {
    // Seen in the demo under load: orders' SERVER span ended 5.8 ms after the gateway's fetch span that
    // had already read its 500; the verdict must not call orders uninstrumented.
    const t = new TraceBuilder();
    const g = gatewayRequest(t, { status: 500, endMs: 20, error: rethrown });
    const call = callOrders(t, g.handler, {
      startMs: 2,
      endMs: 14,
      status: 500,
      orders: { status: 500, endMs: 19.8, dbError: deadlock },
    });
    const d = diagnoseTrace(t.spans)!;
    expect(d.originSpanId).toBe(call.query!.spanId);
    expect(d.cause).toBe('db_error');
    expect(d.originService).toBe('orders');
  });
});
