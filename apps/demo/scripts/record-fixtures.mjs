// Records real traces of every demo fault, as the query API returns them, for the diagnosis
// package's table tests (packages/diagnosis/test/fixtures/recorded/). Runs the real stack: collector,
// gateway and orders with @faultline/instrument, legacy without. With DATABASE_URL, orders uses
// PostgreSQL and the PostgreSQL-only faults are recorded too.
// Usage: pnpm --filter @faultline/demo build && node apps/demo/scripts/record-fixtures.mjs [outDir]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forwardFaultSetting } from '../dist/fault-forwarding.js';
import { startStackOnFreePorts } from '../dist/stack.js';

const outDir =
  process.argv[2] ??
  fileURLToPath(new URL('../../../packages/diagnosis/test/fixtures/recorded/', import.meta.url));
const databaseUrl = process.env.DATABASE_URL;
const suffix = databaseUrl ? 'pg' : 'sqlite';
const order = { method: 'GET', path: '/api/orders/1' };
const cases = [
  { name: 'exception', fault: 'exception', ...order },
  { name: 'explicit-500', fault: 'explicit-500', ...order },
  { name: 'wrong-upstream', fault: 'wrong-upstream', ...order },
  { name: 'upstream-timeout', fault: 'upstream-timeout', ...order },
  { name: 'legacy-500', fault: 'legacy-500', method: 'GET', path: '/api/recommendations' },
  { name: 'db-pool', fault: 'db-pool', ...order, settleMs: 1600 },
  ...(databaseUrl ? [{ name: 'slow-query', fault: 'slow-query', ...order }] : []),
  { name: 'ok', fault: null, ...order },
];

const dataDir = mkdtempSync(join(tmpdir(), 'faultline-record-'));
const stack = await startStackOnFreePorts(dataDir, databaseUrl);
mkdirSync(outDir, { recursive: true });
try {
  for (const c of cases) {
    if (c.fault) await forwardFaultSetting(stack.serviceUrls, { name: c.fault, rate: 1 });
    const response = await fetch(`${stack.gatewayUrl}${c.path}`, { method: c.method });
    await response.arrayBuffer();
    if (c.fault) await forwardFaultSetting(stack.serviceUrls, { name: c.fault, rate: 0 });
    const traceId = response.headers.get('traceresponse')?.split('-')[1];
    if (!traceId) throw new Error(`${c.name}: no traceresponse header`);
    // Wait until every span has arrived: the trace stops changing for 1.5 s.
    let last = '';
    let stableSince = Date.now();
    let body;
    for (;;) {
      const r = await fetch(`${stack.uiUrl}api/traces/${traceId}`);
      const text = r.status === 200 ? await r.text() : '';
      if (text !== last) {
        last = text;
        stableSince = Date.now();
      } else if (text && Date.now() - stableSince > 1500) {
        body = JSON.parse(text);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const file = join(outDir, `${c.name}.${suffix}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ recordedFrom: `demo ${c.method} ${c.path} with fault ${c.fault ?? 'none'} (${suffix})`, status: response.status, spans: body.spans, logs: body.logs }, null, 1)}\n`,
    );
    console.log(
      `${c.name}: ${response.status} ${body.diagnosis?.originService ?? '-'} ${body.diagnosis?.cause ?? 'no diagnosis'} -> ${file}`,
    );
    if (c.settleMs) await new Promise((resolve) => setTimeout(resolve, c.settleMs));
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
