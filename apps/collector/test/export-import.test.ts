import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let source: RunningCollector;
let target: RunningCollector;
beforeAll(async () => {
  source = await startCollector();
  target = await startCollector();
});
afterAll(async () => {
  await source.stop();
  await target.stop();
});

describe('a trace exported as one file', () => {
  it('re-imports into another collector with its spans and verdict intact', async () => {
    const { traceId } = await sendOrdersRequest(source.otlpHttpPort, '1.4.2', true);
    const exported = await source.collector.api.inject({
      method: 'GET',
      url: `/api/traces/${traceId}/export`,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="trace-${traceId}.json"`);
    const file = exported.json();
    expect(file.faultline).toMatchObject({
      format: 1,
      traceId,
      diagnosis: { cause: 'exception', originService: 'orders' },
    });
    expect(file.resourceSpans.length).toBeGreaterThan(0);

    const imported = await target.collector.api.inject({ method: 'POST', url: '/api/import', payload: file });
    expect(imported.statusCode).toBe(200);
    expect(imported.json()).toMatchObject({ traceIds: [traceId], spans: 3, rejectedSpans: 0 });

    const original = (
      await source.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` })
    ).json();
    const copy = (await target.collector.api.inject({ method: 'GET', url: `/api/traces/${traceId}` })).json();
    const bySpanId = (spans: { spanId: string }[]) =>
      [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));
    expect(bySpanId(copy.spans)).toEqual(bySpanId(original.spans));
    expect(copy.logs).toEqual(original.logs);
    expect(copy.diagnosis).toEqual(original.diagnosis);
  });

  it('refuses a file with nothing to import, with a message', async () => {
    const response = await target.collector.api.inject({
      method: 'POST',
      url: '/api/import',
      payload: { hello: 'world' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/no spans or log records/);
  });
});
