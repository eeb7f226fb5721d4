// Probe: the store's write path alone (decoded batches straight into SqliteStore.write, no HTTP, no
// finalizer), beside the raw ceiling, to see what the layout costs. `node bench/store-write-probe.mjs`
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { makeTemplate } from './lib/payloads.mjs';
import { rawCeiling } from './lib/raw-ceiling.mjs';

const require = createRequire(import.meta.url);
const collectorDir = join(require.resolve('@faultline/collector/package.json'), '..');
const { decodeTracesProtobuf } = await import(
  createRequire(join(collectorDir, 'package.json')).resolve('@faultline/otlp')
);
const { SqliteStore } = await import(
  join(require.resolve('@faultline/collector/package.json'), '../dist/store/sqlite-store.js')
);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const template = makeTemplate(512);
const dir = mkdtempSync(join(tmpdir(), 'faultline-probe-'));
try {
  const store = new SqliteStore({ path: join(dir, 'f.db'), retentionMs: 1e12, maxDbBytes: 1e15 });
  const batches = Array.from({ length: 200 }, () => decodeTracesProtobuf(template.stamp()).spans);
  let spans = 0;
  let i = 0;
  const started = performance.now();
  while (performance.now() - started < SECONDS * 1000) {
    await store.write(batches[i++ % batches.length], []);
    spans += 512;
    if (i % batches.length === 0)
      for (let b = 0; b < batches.length; b++) batches[b] = decodeTracesProtobuf(template.stamp()).spans;
  }
  const elapsed = (performance.now() - started) / 1000;
  await store.close();
  const raw = rawCeiling(join(dir, 'raw.db'), template, SECONDS);
  console.log(JSON.stringify({ storeWrite: Math.round(spans / elapsed), raw: Math.round(raw) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
