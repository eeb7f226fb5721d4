// Ingest benchmark: OTLP protobuf batches of 512 spans (official serializer, fresh ids per request)
// posted to the collector over loopback with 1 and 2 connections, on an empty database and on one
// already holding BENCH_PREFILL spans; beside it, the raw better-sqlite3 ceiling of the same run.
// Env: BENCH_SECONDS (20), BENCH_RUNS (3), BENCH_PREFILL (5000000; 0 skips the prefilled case).
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from './lib/collector.mjs';
import { makeTemplate } from './lib/payloads.mjs';
import { rawCeiling } from './lib/raw-ceiling.mjs';
import { fmt, median, quantile } from './lib/stats.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PREFILL = Number(process.env.BENCH_PREFILL ?? 5_000_000);
/** Retention must not prune while the benchmark fills the database past the default 2 GiB cap. */
const NO_SIZE_CAP = ['--max-db-size', '1000GiB'];

async function post(port, body) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** Posts from `connections` loops for `seconds`; returns spans/s, ack latencies and refusals. */
export async function drive(port, template, connections, seconds) {
  const latencies = [];
  let spans = 0;
  let refused = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const { status, ms } = await post(port, template.stamp());
        if (status === 200) {
          spans += template.spanCount;
          latencies.push(ms);
        } else if (status === 503) {
          refused++;
          await new Promise((r) => setTimeout(r, 50));
        } else throw new Error(`ingest answered ${status}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    spansPerSecond: spans / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    refused,
  };
}

async function prefill(dbPath, template, spans) {
  const collector = await startCollector(dbPath, NO_SIZE_CAP);
  for (let done = 0; done < spans; ) {
    await Promise.all(
      [0, 1].map(async () => {
        const { status } = await post(collector.otlpHttpPort, template.stamp());
        if (status === 200) done += template.spanCount;
      }),
    );
  }
  await collector.stop();
}

export async function runIngest() {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  const template = makeTemplate(512);
  const results = [];
  try {
    const states = [{ name: 'empty', spans: 0 }];
    if (PREFILL > 0) {
      const seed = join(dir, 'prefilled.db');
      const started = performance.now();
      await prefill(seed, template, PREFILL);
      console.error(
        `prefilled ${fmt(PREFILL)} spans in ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
      states.push({ name: `${fmt(PREFILL)} spans`, spans: PREFILL, seed });
    }
    for (const state of states) {
      for (const connections of [1, 2]) {
        const runs = [];
        for (let run = 0; run < RUNS; run++) {
          const dbPath = join(dir, `run-${run}.db`);
          if (state.seed) copyFileSync(state.seed, dbPath);
          const collector = await startCollector(dbPath, NO_SIZE_CAP);
          const result = await drive(collector.otlpHttpPort, template, connections, SECONDS);
          result.peakRssMiB = collector.peakRssMiB();
          await collector.stop();
          const ceilingPath = join(dir, `raw-${run}.db`);
          result.ceiling = rawCeiling(ceilingPath, template, Math.min(SECONDS, 10), state.spans);
          rmSync(dbPath, { force: true });
          rmSync(`${dbPath}-wal`, { force: true });
          rmSync(ceilingPath, { force: true });
          rmSync(`${ceilingPath}-wal`, { force: true });
          runs.push(result);
        }
        const row = {
          database: state.name,
          connections,
          spansPerSecond: median(runs.map((r) => r.spansPerSecond)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          ceiling: median(runs.map((r) => r.ceiling)),
          ratio: median(runs.map((r) => r.spansPerSecond / r.ceiling)),
          peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
          refused: runs.reduce((s, r) => s + r.refused, 0),
        };
        results.push(row);
        console.error(JSON.stringify(row));
      }
    }
    if (states[1]?.seed) {
      const bytes = statSync(states[1].seed).size;
      results.bytesPerSpan = bytes / PREFILL;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export function ingestTable(results) {
  const lines = [
    '| database | connections | spans/s | ack p50 ms | ack p99 ms | raw ceiling spans/s | ratio | peak RSS MiB | 503s |',
    '|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.database} | ${r.connections} | ${fmt(r.spansPerSecond)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${fmt(r.ceiling)} | ${r.ratio.toFixed(2)} | ${r.peakRssMiB.toFixed(0)} | ${r.refused} |`,
    ),
  ];
  if (results.bytesPerSpan)
    lines.push(
      '',
      `Disk: ${results.bytesPerSpan.toFixed(0)} bytes per span after the prefill (WAL checkpointed at close).`,
    );
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ingestTable(await runIngest()));
}
