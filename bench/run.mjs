// `pnpm bench`: every benchmark part in turn, printing a markdown report for bench/RESULTS.md.
// Parts can be run alone: `node bench/ingest.mjs`. Set BENCH_QUICK=1 for a short smoke run.
import { execFileSync, execSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

if (process.env.BENCH_QUICK) {
  process.env.BENCH_SECONDS ??= '3';
  process.env.BENCH_RUNS ??= '1';
  process.env.BENCH_PREFILL ??= '0';
  process.env.BENCH_QUERY_SPANS ??= '100000';
  process.env.BENCH_VERDICT_ROUNDS ??= '3';
}
const { ingestTable, runIngest } = await import('./ingest.mjs');
const { ingestProtocolsTable, runIngestProtocols } = await import('./ingest-protocols.mjs');
const { queriesTable, runQueries } = await import('./queries.mjs');
const { verdictTable, runVerdict } = await import('./verdict.mjs');

const commit = execSync('git rev-parse --short HEAD').toString().trim();
console.log(`# Faultline benchmark results\n`);
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB; Node ${process.version}; ` +
    `date ${new Date().toISOString().slice(0, 10)}; commit ${commit}; command \`pnpm bench\`` +
    ` (BENCH_SECONDS=${process.env.BENCH_SECONDS ?? 20}, BENCH_RUNS=${process.env.BENCH_RUNS ?? 3}, BENCH_PREFILL=${process.env.BENCH_PREFILL ?? 5_000_000}).\n`,
);
console.log('## Ingest (OTLP/HTTP protobuf, 512-span batches)\n');
console.log(ingestTable(await runIngest()));
console.log('\n## Ingest by protocol (2 connections, empty database)\n');
console.log(ingestProtocolsTable(await runIngestProtocols()));
console.log('\n## Queries (through the HTTP API)\n');
console.log(queriesTable(await runQueries()));
console.log('\n## Time to verdict (demo gateway -> orders, exception fault)\n');
console.log(verdictTable(await runVerdict()));
console.log(
  '\n## Instrumentation overhead (Fastify and Express apps: none, plain OpenTelemetry, Faultline)\n',
);
// packages/instrument/bench/run.mjs prints its table on stdout and its progress on stderr.
const overheadArgs = process.env.BENCH_QUICK
  ? ['--seconds', '1', '--connections', '10', '--rounds', '1']
  : ['--seconds', '5', '--rounds', '3'];
console.log(
  execFileSync(process.execPath, ['packages/instrument/bench/run.mjs', ...overheadArgs], {
    cwd: new URL('..', import.meta.url),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .trim(),
);
console.log(
  'Side by side on one CPU (the comparison that holds on a drifting machine): `node packages/instrument/bench/pair.mjs`.',
);
console.log('\nUI figures: `node apps/ui/scripts/bundle-size.mjs` and `node apps/ui/scripts/tti-10k.mjs`.');
console.log('\n## What a user installs (packed tarballs, plain npm, the collector started cold)\n');
// release/bench-install.mjs packs and installs the tarballs in temporary folders (each collector
// install compiles better-sqlite3 where no prebuilt binary can be fetched).
console.log(
  execFileSync(process.execPath, ['release/bench-install.mjs'], {
    cwd: new URL('..', import.meta.url),
    env: { ...process.env, BENCH_RUNS: process.env.BENCH_QUICK ? '1' : '5' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .trim(),
);
