// What the instrumentation benchmarks share: the collector, the benchmark apps, the load generator
// and the /proc readings of a process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.resolve(here, '..');

/** Node arguments of each instrumentation mode. */
export const MODES = {
  none: [],
  otel: ['--require', '@opentelemetry/auto-instrumentations-node/register'],
  faultline: ['--require', '@faultline/instrument/register'],
};

export const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the built collector on free ports; `cpu` pins it to that CPU (Linux `taskset`). */
export async function startCollector(cpu) {
  const bin =
    process.env.FAULTLINE_TEST_COLLECTOR ?? path.resolve(packageDir, '../../apps/collector/bin/faultline.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-collector-'));
  const [port, httpPort, grpcPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(
    ...pinned(cpu, [
      process.execPath,
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
    ]),
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

/**
 * Starts `apps/<app>-bench.cjs` with `nodeArgs` (a mode's preload) and `env` added to a clean
 * environment, exporting to `otlp`; `cpu` pins it to that CPU. Resolves once it listens.
 */
export async function startApp(app, nodeArgs, env, otlp, cpu) {
  const child = spawn(
    ...pinned(cpu, [process.execPath, ...nodeArgs, path.join(here, 'apps', `${app}-bench.cjs`)]),
    {
      cwd: packageDir,
      env: { PATH: process.env.PATH, OTEL_EXPORTER_OTLP_ENDPOINT: otlp, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /\{"port":(\d+)\}/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) =>
      reject(new Error(`${app} (${nodeArgs.join(' ') || 'no preload'}) exited with ${code}`)),
    );
  });
  return { child, port };
}

/** CPU time (user + system) the process has used, in microseconds; less disturbed by a busy machine than req/s. */
export function cpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1e6 / 100); // clock ticks of 10 ms (CLK_TCK 100)
}

export function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** One request in this many goes to /fail (a thrown error, 500), so failing spans compete for the queue too. */
const FAIL_EVERY = 100;

/**
 * Keeps `connections` keep-alive requests in flight for `durationMs`; returns req/s and p99 in ms of
 * the `route` requests, and how many /fail requests were sent.
 */
export async function load(port, route, connections, durationMs) {
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

/** `[command, args]` for spawn, under `taskset -c <cpu>` when a CPU is given. */
function pinned(cpu, [command, ...rest]) {
  return cpu === undefined ? [command, rest] : ['taskset', ['-c', String(cpu), command, ...rest]];
}

/** SIGTERM (both SDKs flush on it), then SIGKILL if the process is still there after 5 s. */
export async function stopApp(child) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
