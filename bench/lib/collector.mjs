// Starts the built `faultline` CLI on free loopback ports for a benchmark, and reads its memory.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const BIN = join(dirname(require.resolve('@faultline/collector/package.json')), 'bin/faultline.js');

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startCollector(dbPath, extraArgs = []) {
  const port = await freePort();
  const otlpHttpPort = await freePort();
  const otlpGrpcPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--db',
      dbPath,
      '--port',
      `${port}`,
      '--otlp-http-port',
      `${otlpHttpPort}`,
      '--otlp-grpc-port',
      `${otlpGrpcPort}`,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    port,
    otlpHttpPort,
    otlpGrpcPort,
    /** Peak resident set size of the collector process so far, in MiB (VmHWM). */
    peakRssMiB() {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : Number.NaN;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
