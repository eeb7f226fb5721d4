#!/usr/bin/env node
// What a user's install costs: tarball sizes, installed sizes (and how much of @faultline/instrument is
// auto-instrumentations-node), and the collector's cold start to /readyz. It also measures the
// alternative the release did not take (the collector unbundled, with @faultline/model, otlp and
// diagnosis published alongside) so the choice stays checkable. Prints a markdown table.
//
// Usage: node release/bench-install.mjs   (after `pnpm build`; each collector install compiles
// better-sqlite3 where no prebuilt binary can be fetched, about a minute and a half here)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packAll, readCatalog } from './pack.mjs';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ROUNDS = Number(process.env.BENCH_RUNS ?? 5);
const work = mkdtempSync(join(tmpdir(), 'faultline-bench-install-'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|NODE_OPTIONS$|NODE_PATH$)/i.test(key)),
);
env.PATH = (process.env.PATH ?? '')
  .split(':')
  .filter((entry) => !entry.includes('node_modules'))
  .join(':');

const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const du = (path) => Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function npmInstall(dir, specs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"name":"bench","version":"1.0.0","private":true}');
  const started = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', ...specs], { cwd: dir, env, stdio: 'ignore' });
  return performance.now() - started;
}

/** Milliseconds from spawning `args` to the first 200 from /readyz, median of ROUNDS fresh starts. */
async function coldStart(dir, args) {
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const db = `bench-${round}.db`;
    const started = performance.now();
    // A process group of its own: npx runs the collector as a child, and stopping must reach it.
    const child = spawn(
      args[0],
      [...args.slice(1), '--db', db, '--port', '0', '--otlp-http-port', '0', '--otlp-grpc-port', '0'],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    const exited = new Promise((r) => child.once('exit', r));
    let output = '';
    const port = await new Promise((resolvePort, reject) => {
      void exited.then(() => reject(new Error(`${args.join(' ')} exited before listening`)));
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /UI \+ API\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match) resolvePort(match[1]);
      });
    });
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready === 200) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    times.push(performance.now() - started);
    process.kill(-child.pid, 'SIGTERM');
    await exited;
    // The collector under npx may outlive npx by a moment; its database is not reused anyway.
    await new Promise((r) => setTimeout(r, 200));
  }
  return median(times);
}

/** The road not taken: the collector's tsc output with the workspace packages as dependencies. */
function packUnbundled(outDir) {
  const catalog = readCatalog();
  const tarballs = [];
  for (const dir of ['packages/model', 'packages/otlp', 'packages/diagnosis', 'apps/collector']) {
    const source = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    const stage = join(outDir, 'stage', dir);
    cpSync(join(ROOT, dir, 'dist'), join(stage, 'dist'), {
      recursive: true,
      filter: (p) => !p.endsWith('.map'),
    });
    const dependencies = {};
    for (const [name, range] of Object.entries(source.dependencies ?? {})) {
      dependencies[name] = range.startsWith('workspace:')
        ? source.version
        : range === 'catalog:'
          ? catalog[name]
          : range;
    }
    const manifest = { name: source.name, version: source.version, type: 'module', dependencies };
    if (dir === 'apps/collector') {
      cpSync(join(ROOT, dir, 'bin'), join(stage, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'apps/ui/dist'), join(stage, 'ui'), {
        recursive: true,
        filter: (p) => !p.endsWith('.map'),
      });
      manifest.bin = source.bin;
    } else {
      manifest.exports = { '.': { types: './dist/index.d.ts', default: './dist/index.js' } };
    }
    writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest));
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
      cwd: stage,
      encoding: 'utf8',
    });
    tarballs.push(join(outDir, file.trim().split('\n').pop()));
  }
  return tarballs;
}

try {
  const packed = await packAll(join(work, 'tarballs'));
  const tarball = (name) => packed.find((p) => p.name === name).tarball;
  const rows = [];
  for (const { name, bytes } of packed) rows.push([`${name} tarball`, kib(bytes)]);

  const instrumentDir = join(work, 'instrument');
  npmInstall(instrumentDir, [tarball('@faultline/instrument')]);
  const instrumentBytes = du(join(instrumentDir, 'node_modules'));
  const manifest = JSON.parse(
    readFileSync(join(instrumentDir, 'node_modules/@faultline/instrument/package.json'), 'utf8'),
  );
  const withoutAuto = Object.entries(manifest.dependencies)
    .filter(([dep]) => dep !== '@opentelemetry/auto-instrumentations-node')
    .map(([dep, range]) => `${dep}@${range}`);
  const withoutAutoDir = join(work, 'instrument-without-auto');
  npmInstall(withoutAutoDir, withoutAuto);
  const withoutAutoBytes = du(join(withoutAutoDir, 'node_modules'));
  rows.push(['@faultline/instrument installed (node_modules)', mib(instrumentBytes)]);
  rows.push([
    '  of which auto-instrumentations-node and what only it brings',
    `${mib(instrumentBytes - withoutAutoBytes)} (${(((instrumentBytes - withoutAutoBytes) / instrumentBytes) * 100).toFixed(0)}%)`,
  ]);

  const bundledDir = join(work, 'collector-bundled');
  const bundledInstallMs = npmInstall(bundledDir, [tarball('@faultline/collector')]);
  rows.push(['collector, bundled (shipped): installed', mib(du(join(bundledDir, 'node_modules')))]);
  rows.push([
    'collector, bundled: `npm install` (compiles better-sqlite3)',
    `${(bundledInstallMs / 1000).toFixed(0)} s`,
  ]);
  rows.push([
    'collector, bundled: `npx @faultline/collector` to /readyz',
    `${(await coldStart(bundledDir, ['npx', '@faultline/collector'])).toFixed(0)} ms`,
  ]);
  rows.push([
    'collector, bundled: `node …/bin/faultline.js` to /readyz',
    `${(await coldStart(bundledDir, [process.execPath, 'node_modules/@faultline/collector/bin/faultline.js'])).toFixed(0)} ms`,
  ]);

  const unbundledDir = join(work, 'collector-unbundled');
  npmInstall(unbundledDir, packUnbundled(join(work, 'unbundled')));
  rows.push([
    'collector, unbundled + 3 packages alongside: installed',
    mib(du(join(unbundledDir, 'node_modules'))),
  ]);
  rows.push([
    'collector, unbundled: `node …/bin/faultline.js` to /readyz',
    `${(await coldStart(unbundledDir, [process.execPath, 'node_modules/@faultline/collector/bin/faultline.js'])).toFixed(0)} ms`,
  ]);

  console.log(`Install and start (Node ${process.version}, medians of ${ROUNDS} starts)\n`);
  console.log('| what | figure |\n|---|---|');
  for (const [what, figure] of rows) console.log(`| ${what} | ${figure} |`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
