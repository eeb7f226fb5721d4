// Time to verdict: from a failing response at the demo gateway (instrumented with
// @faultline/instrument, exporting with its defaults) to (a) its diagnosis served by
// GET /api/traces/:id and (b) its failure group counting it in GET /api/failures.
// Median and max of BENCH_VERDICT_ROUNDS (default 10) requests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStackOnFreePorts } from '@faultline/demo/dist/stack.js';
import { quantile } from './lib/stats.mjs';

const ROUNDS = Number(process.env.BENCH_VERDICT_ROUNDS ?? 10);

async function until(probe, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return performance.now();
    if (performance.now() > deadline) throw new Error('timed out waiting for the verdict');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runVerdict() {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-verdict-'));
  const stack = await startStackOnFreePorts(dir);
  try {
    await fetch(`${stack.serviceUrls.orders}/__faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'exception', rate: 1 }),
    });
    const toApi = [];
    const toGroup = [];
    for (let round = 0; round < ROUNDS; round++) {
      const response = await fetch(`${stack.gatewayUrl}/api/orders/1`);
      const answered = performance.now();
      await response.arrayBuffer();
      const traceId = response.headers.get('traceresponse')?.split('-')[1];
      if (response.status < 500 || !traceId)
        throw new Error(`expected a 5xx with a traceresponse, got ${response.status}`);
      const diagnosed = await until(async () => {
        const r = await fetch(`${stack.uiUrl}api/traces/${traceId}`);
        return r.status === 200 && (await r.json()).diagnosis !== null;
      });
      const grouped = await until(async () => {
        const r = await fetch(`${stack.uiUrl}api/traces?errors=true&limit=100`);
        const { traces } = await r.json();
        return traces.some((t) => t.traceId === traceId && t.group !== null);
      });
      toApi.push(diagnosed - answered);
      toGroup.push(grouped - answered);
    }
    return {
      rounds: ROUNDS,
      apiMedian: quantile(toApi, 0.5),
      apiMax: Math.max(...toApi),
      groupMedian: quantile(toGroup, 0.5),
      groupMax: Math.max(...toGroup),
    };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function verdictTable(r) {
  return [
    '| from a failing response at the gateway to… | median ms | max ms |',
    '|---|---|---|',
    `| its diagnosis from \`GET /api/traces/:id\` | ${r.apiMedian.toFixed(0)} | ${r.apiMax.toFixed(0)} |`,
    `| its failure group counting it | ${r.groupMedian.toFixed(0)} | ${r.groupMax.toFixed(0)} |`,
    '',
    `(${r.rounds} requests, instrumentation defaults: batch delay 500 ms; collector finalizes a trace after 500 ms of quiet.)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(verdictTable(await runVerdict()));
}
