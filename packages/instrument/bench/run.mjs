// Overhead benchmark: req/s, p99 latency and RSS of a Fastify and an Express app, JSON and
// better-sqlite3 routes, 10 and 50 connections, with no instrumentation, plain OpenTelemetry
// (auto-instrumentations-node/register) and Faultline, all exporting to a real Faultline collector.
//
//   node bench/run.mjs [--seconds 5] [--apps fastify,express] [--connections 10,50]
//
// Needs a built collector (apps/collector/dist); FAULTLINE_TEST_COLLECTOR points at another one.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const seconds = Number(arg('seconds', '5'));
const apps = arg('apps', 'fastify,express').split(',');
const connectionCounts = arg('connections', '10,50').split(',').map(Number);
const routes = ['/json', '/db'];
const modes = {
  none: [],
  otel: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
  faultline: ['--require', '@faultline/instrument/register'],
};

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startCollector() {
  const bin =
    process.env.FAULTLINE_TEST_COLLECTOR ?? path.resolve(packageDir, '../../apps/collector/bin/faultline.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-collector-'));
  const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      bin,
      '--db',
      path.join(dir, 'bench.db'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--otlp-http-port',
      String(httpPort),
      '--otlp-grpc-port',
      String(grpcPort),
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 150; i += 1) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok)
      return {
        otlp: `http://127.0.0.1:${httpPort}`,
        api: `http://127.0.0.1:${port}`,
        stop: () => {
          child.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    await sleep(100);
  }
  throw new Error(`collector at ${bin} did not start`);
}

async function startApp(app, mode, otlp) {
  const child = spawn(process.execPath, [...modes[mode], path.join(here, 'apps', `${app}-bench.cjs`)], {
    cwd: packageDir,
    env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_SERVICE_NAME: `${app}-${mode}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /\{"port":(\d+)\}/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${app} (${mode}) exited with ${code}`)));
  });
  return { child, port };
}

/** CPU time (user + system) the process has used, in microseconds; less disturbed by a busy machine than req/s. */
function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks of 10 ms (CLK_TCK 100)
}

function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One request in this many goes to /fail (a thrown error, 500), so failing spans compete for the queue too. */
const FAIL_EVERY = 100;

/**
 * Keeps `connections` keep-alive requests in flight for `durationMs`; returns req/s and p99 in ms of
 * the `route` requests, and how many /fail requests were sent.
 */
async function load(port, route, connections, durationMs) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let errors = 0;
  let sent = 0;
  let failuresSent = 0;
  const end = Date.now() + durationMs;
  const once = () =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const failing = ++sent % FAIL_EVERY === 0;
      if (failing) failuresSent += 1;
      const path = failing ? '/fail' : route;
      const request = http.get({ host: '127.0.0.1', port, path, agent }, (response) => {
        response.resume();
        response.on('end', () => {
          if (!failing) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          if (response.statusCode !== (failing ? 500 : 200)) errors += 1;
          resolve();
        });
      });
      request.on('error', () => {
        errors += 1;
        resolve();
      });
    });
  const worker = async () => {
    while (Date.now() < end) await once();
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedSeconds = (Date.now() - startedAt) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    failuresSent,
    rps: (latencies.length + failuresSent) / elapsedSeconds,
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN,
    errors,
  };
}

/** SIGTERM (both SDKs flush on it), then SIGKILL if the process is still there after 5 s. */
async function stopApp(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Failing traces of `service` the collector holds, polled until `expected` or 10 s of no change. */
async function countFailingTraces(api, service, expected) {
  let count = -1;
  let stableSince = Date.now();
  for (;;) {
    let seen = 0;
    let cursor;
    do {
      const query = new URLSearchParams({ service, errors: 'true', limit: '1000', start: '0' });
      if (cursor) query.set('cursor', cursor);
      const page = await (await fetch(`${api}/api/traces?${query}`)).json();
      seen += page.traces.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (seen !== count) [count, stableSince] = [seen, Date.now()];
    if (count >= expected || Date.now() - stableSince > 10_000) return count;
    await sleep(500);
  }
}

const collector = await startCollector();
const rows = [];
try {
  for (const app of apps) {
    for (const mode of Object.keys(modes)) {
      const { child, port } = await startApp(app, mode, collector.otlp);
      // Warm-up: JIT, connection pools, resource detection, first exports.
      const warmUp = await load(port, '/json', 10, 3000);
      for (const route of routes) {
        for (const connections of connectionCounts) {
          const cpuBefore = cpuMicros(child.pid);
          const result = await load(port, route, connections, seconds * 1000);
          const cpuPerRequestUs = (cpuMicros(child.pid) - cpuBefore) / (result.rps * seconds);
          const row = {
            app,
            route,
            connections,
            mode,
            ...result,
            cpuPerRequestUs,
            rssMb: rssMegabytes(child.pid),
          };
          rows.push(row);
          console.error(
            `${app} ${route} c=${connections} ${mode}: ${row.rps.toFixed(0)} req/s, p99 ${row.p99.toFixed(2)} ms, CPU ${row.cpuPerRequestUs.toFixed(0)} us/req, RSS ${row.rssMb.toFixed(0)} MB${row.errors ? `, ${row.errors} errors` : ''}`,
          );
        }
      }
      const failuresSent = rows
        .filter((r) => r.app === app && r.mode === mode)
        .reduce((n, r) => n + r.failuresSent, warmUp.failuresSent);
      await stopApp(child);
      if (mode !== 'none') {
        const stored = await countFailingTraces(collector.api, `${app}-${mode}`, failuresSent);
        for (const row of rows.filter((r) => r.app === app && r.mode === mode))
          row.failing = `${stored}/${failuresSent}`;
        console.error(
          `${app} ${mode}: ${stored} of ${failuresSent} failing requests stored as failing traces`,
        );
      }
    }
  }
} finally {
  collector.stop();
}

console.log(
  '| app | route | conns | none req/s | otel req/s (loss) | faultline req/s (loss) | p99 ms none / otel / faultline | CPU us/req none / otel / faultline | RSS MB none / otel / faultline | failing traces stored otel / faultline |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const app of apps) {
  for (const route of routes) {
    for (const connections of connectionCounts) {
      const cell = (mode) =>
        rows.find(
          (r) => r.app === app && r.route === route && r.connections === connections && r.mode === mode,
        );
      const [none, otel, faultline] = [cell('none'), cell('otel'), cell('faultline')];
      const loss = (r) => `${(100 * (1 - r.rps / none.rps)).toFixed(0)}%`;
      console.log(
        `| ${app} | ${route} | ${connections} | ${none.rps.toFixed(0)} | ${otel.rps.toFixed(0)} (${loss(otel)}) | ${faultline.rps.toFixed(0)} (${loss(faultline)}) | ${[none, otel, faultline].map((r) => r.p99.toFixed(1)).join(' / ')} | ${[none, otel, faultline].map((r) => r.cpuPerRequestUs.toFixed(0)).join(' / ')} | ${[none, otel, faultline].map((r) => r.rssMb.toFixed(0)).join(' / ')} | ${otel.failing} / ${faultline.failing} |`,
      );
    }
  }
}
