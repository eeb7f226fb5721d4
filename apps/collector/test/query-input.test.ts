import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;

beforeAll(async () => {
  running = await startCollector();
});

afterAll(async () => {
  await running.stop();
});

async function get(url: string) {
  return fetch(`http://127.0.0.1:${running.port}${url}`);
}

/** Every refusal is a coded 400 that says which parameter was wrong. */
async function expectBadQuery(response: Response, mentions: RegExp) {
  const body = (await response.json()) as { code: string; message: string };
  expect({ status: response.status, code: body.code }).toEqual({ status: 400, code: 'FL_ERR_BAD_QUERY' });
  expect(body.message).toMatch(mentions);
}

describe('bad query input is a coded 400, never a 500', () => {
  it.each([
    ['/api/traces?attr=%5C=x', /attr|key/],
    ['/api/traces?attr=a%5Cb=x', /attr|key/],
    ['/api/traces?attr=a%00b=x', /attr|key/],
    ['/api/traces?minDurationMs=9007199254740991', /minDurationMs/],
    ['/api/traces?maxDurationMs=1e300', /maxDurationMs/],
    ['/api/traces?start=9999999999999999999', /start/],
    ['/api/traces?end=%2B275760-09-13T00:00:00Z', /end/],
    ['/api/traces?start=-271821-04-20T00:00:00Z', /start/],
    ['/api/traces?end=1800-01-01T00:00:00Z', /end/],
    ['/api/failures?since=99999999999999999999', /since/],
    ['/api/service-map?since=%2B200000-01-01', /since/],
  ])('%s', async (url, mentions) => {
    await expectBadQuery(await get(url), mentions);
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('POST /api/import refuses deeply nested JSON with a coded 400', () => {
  const nested = (depth: number) =>
    `{"resourceSpans":[{"resource":{"attributes":[{"key":"a","value":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}}]},"scopeSpans":[]}]}`;

  it.each([
    ['an attribute value nested 2,000 deep', nested(2000)],
    ['an attribute value nested 100,000 deep', nested(100_000)],
    ['arrays nested 100,000 deep', `{"resourceSpans":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['a __proto__ key under deep nesting', `{"__proto__":{},"x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
  ])('%s', async (_name, payload) => {
    const response = await fetch(`http://127.0.0.1:${running.port}/api/import`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });
    const body = (await response.json()) as { code: string; message: string };
    expect({ status: response.status, code: body.code }).toEqual({ status: 400, code: 'FL_ERR_BAD_OTLP' });
    expect(body.message.length).toBeGreaterThan(10);
    expect((await get('/healthz')).status).toBe(200);
  });
});
