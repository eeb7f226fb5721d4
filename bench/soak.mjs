// Soak: a steady BENCH_SOAK_RATE spans/s (default 5000) of OTLP protobuf for BENCH_SOAK_MINUTES
// (default 10) while a UI-like client polls failures, search and traces, against a collector capped at
// BENCH_SOAK_DB_CAP (default 200MiB) so retention runs. Every 10 s it samples the collector's RSS,
// WAL and database size; at the end it reports any 5xx other than deliberate 503s.
// Not part of `pnpm test`: `node bench/soak.mjs` after `pnpm build`.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from './lib/collector.mjs';
import { makeTemplate } from './lib/payloads.mjs';

const RATE = Number(process.env.BENCH_SOAK_RATE ?? 5000);
const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const CAP = process.env.BENCH_SOAK_DB_CAP ?? '200MiB';

const dir = mkdtempSync(join(tmpdir(), 'faultline-soak-'));
const dbPath = join(dir, 'soak.db');
const collector = await startCollector(dbPath, ['--max-db-size', CAP]);
const template = makeTemplate(500);
const counts = { batches: 0, refused: 0, otherErrors: 0, queries: 0, queryErrors: 0 };
const samples = [];
const size = (path) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};
const rssMiB = () =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${collector.child.pid}/status`, 'utf8'))[1]) / 1024;

const deadline = Date.now() + MINUTES * 60_000;
const intervalMs = (template.spanCount / RATE) * 1000;
const ingest = (async () => {
  let next = Date.now();
  while (Date.now() < deadline) {
    const response = await fetch(`http://127.0.0.1:${collector.otlpHttpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: template.stamp(),
    });
    await response.arrayBuffer();
    if (response.status === 200) counts.batches++;
    else if (response.status === 503) counts.refused++;
    else counts.otherErrors++;
    next += intervalMs;
    await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
  }
})();
const ui = (async () => {
  const urls = [
    '/api/failures',
    '/api/traces?errors=true',
    '/api/traces',
    '/api/service-map',
    '/api/services',
  ];
  for (let i = 0; Date.now() < deadline; i++) {
    const response = await fetch(`http://127.0.0.1:${collector.port}${urls[i % urls.length]}`);
    await response.arrayBuffer();
    counts.queries++;
    if (response.status >= 500) counts.queryErrors++;
    await new Promise((r) => setTimeout(r, 500));
  }
})();
const sampler = setInterval(() => {
  samples.push({
    t: Math.round((MINUTES * 60_000 - (deadline - Date.now())) / 1000),
    rss: rssMiB(),
    wal: size(`${dbPath}-wal`),
    db: size(dbPath),
  });
}, 10_000);
await Promise.all([ingest, ui]);
clearInterval(sampler);
await collector.stop();
rmSync(dir, { recursive: true, force: true });

const mib = (b) => (b / 1024 ** 2).toFixed(0);
console.log(`Soak: ${RATE} spans/s for ${MINUTES} min, database capped at ${CAP}.`);
console.log(
  `- batches accepted ${counts.batches} (${counts.batches * template.spanCount} spans), 503 ${counts.refused}, other errors ${counts.otherErrors}`,
);
console.log(`- UI queries ${counts.queries}, 5xx ${counts.queryErrors}`);
console.log('| t s | RSS MiB | WAL MiB | db MiB |\n|---|---|---|---|');
for (const s of samples) console.log(`| ${s.t} | ${s.rss.toFixed(0)} | ${mib(s.wal)} | ${mib(s.db)} |`);
