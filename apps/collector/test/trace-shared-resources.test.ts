import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
beforeAll(async () => {
  running = await startCollector();
});
afterAll(() => running.stop());

interface Shared {
  resources: object[];
  spans: { resourceRef: number; resource?: object }[];
  logs: { resourceRef: number }[];
}

describe('GET /api/traces/:id?resources=shared', () => {
  it('lists each resource once and gives back the same trace once expanded', async () => {
    // One trace whose spans come from three resources (three services).
    const spans = ['gateway', 'orders', 'billing'].flatMap((service) => makeReadableSpans(service));
    const traceId = spans[0]!.spanContext().traceId;
    for (const span of spans) Object.assign(span.spanContext(), { traceId });
    const ingest = await fetch(`http://127.0.0.1:${running.otlpHttpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: protobufBatch(spans),
    });
    expect(ingest.status).toBe(200);

    const base = `http://127.0.0.1:${running.port}/api/traces/${traceId}`;
    const full = await (await fetch(base)).json();
    const sharedText = await (await fetch(`${base}?resources=shared`)).text();
    const shared = JSON.parse(sharedText) as Shared;

    expect(shared.resources).toHaveLength(3);
    expect(shared.spans.every((s) => s.resource === undefined)).toBe(true);
    const expanded = {
      ...shared,
      resources: undefined,
      spans: shared.spans.map(({ resourceRef, ...s }) => ({ ...s, resource: shared.resources[resourceRef] })),
      logs: shared.logs.map(({ resourceRef, ...l }) => ({ ...l, resource: shared.resources[resourceRef] })),
    };
    delete expanded.resources;
    expect(expanded).toEqual(full);
    expect(sharedText.length).toBeLessThan(JSON.stringify(full).length);
  });
});
