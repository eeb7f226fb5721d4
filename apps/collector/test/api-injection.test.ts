import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { sendOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
let baseline: { traces: number; groups: number; tables: unknown };
const countTables = () =>
  (running.collector.store as SqliteStore).db
    .prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
    .pluck()
    .get();

async function get(url: string) {
  return running.collector.api.inject({ method: 'GET', url });
}

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
  await sendOrdersRequest(running.otlpHttpPort, '1.0.0', true);
  await sendOrdersRequest(running.otlpHttpPort, '1.0.0', false);
  // The baseline is taken once both traces are stored and the failing one is diagnosed into its group.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const traces = (await get('/api/traces')).json().traces.length;
    const groups = (await get('/api/failures')).json().groups.length;
    if (traces === 2 && groups === 1) break;
    if (Date.now() > deadline)
      throw new Error(`not stored and diagnosed: ${traces} traces, ${groups} groups`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  baseline = {
    traces: (await get('/api/traces')).json().traces.length,
    groups: (await get('/api/failures')).json().groups.length,
    tables: countTables(),
  };
});
afterAll(async () => {
  await running.stop();
});

const PAYLOADS = [
  "' OR '1'='1",
  "1' OR 1=1 --",
  '1; DROP TABLE spans; --',
  "x' UNION SELECT name, sql, 1, 1, 1 FROM sqlite_master --",
  '%',
  '_',
  '%25%27',
  '/* */',
  '")) OR ((1=1',
  '$."x"',
];

const ROUTES = (p: string) => {
  const q = encodeURIComponent(p);
  return [
    `/api/traces?service=${q}`,
    `/api/traces?operation=${q}`,
    `/api/traces?status=${q}`,
    `/api/traces?errors=${q}`,
    `/api/traces?minDurationMs=${q}`,
    `/api/traces?maxDurationMs=${q}`,
    `/api/traces?start=${q}&end=${q}`,
    `/api/traces?attr=${q}`,
    `/api/traces?attr=${encodeURIComponent(`http.route=${p}`)}`,
    `/api/traces?attr=${encodeURIComponent(`${p}=1`)}`,
    `/api/traces?group=${q}`,
    `/api/traces?cursor=${q}`,
    `/api/traces?limit=${q}`,
    `/api/traces/${q}`,
    `/api/traces/${q}/report`,
    `/api/traces/${q}/compare`,
    `/api/traces/${q}/outline`,
    `/api/traces/${q}/spans/${q}`,
    `/api/traces/${'0'.repeat(32)}/spans/${q}`,
    `/api/traces/${q}/logs`,
    `/api/failures?since=${q}&limit=${q}`,
    `/api/failures/${q}/compare`,
    `/api/service-map?since=${q}`,
  ];
};

describe('every query parameter of every API route, with injection payloads', () => {
  it.each(PAYLOADS)('treats %s as data: 200/400/404, no extra rows, schema intact', async (payload) => {
    for (const url of ROUTES(payload)) {
      const response = await get(url);
      expect([200, 400, 404], url).toContain(response.statusCode);
      if (response.statusCode === 200 && url.startsWith('/api/traces?')) {
        expect(response.json().traces.length, url).toBeLessThanOrEqual(baseline.traces);
        // Only plain filters that every trace passes may return everything; an injected filter never adds rows.
        expect(
          response.json().traces.length === 0 ||
            /errors=|limit=|cursor=/.test(url) ||
            url.includes('minDurationMs') ||
            url.includes('maxDurationMs') ||
            url.includes('start='),
          url,
        ).toBe(true);
      }
    }
    expect((running.collector.store as SqliteStore).db.pragma('integrity_check', { simple: true })).toBe(
      'ok',
    );
    expect((await get('/api/traces')).json().traces).toHaveLength(baseline.traces);
    expect((await get('/api/failures')).json().groups).toHaveLength(baseline.groups);
    expect(countTables()).toBe(baseline.tables);
  });
});
