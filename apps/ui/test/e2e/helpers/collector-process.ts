import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePorts } from '../../../../../packages/instrument/test/harness/free-port.js';

const UI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** The collector's CLI entry, as `pnpm exec faultline` runs it. */
export const COLLECTOR_BIN = join(UI_ROOT, '../collector/bin/faultline.js');
/** The built UI the collector serves. */
export const UI_DIST = join(UI_ROOT, 'dist');

/** A collector running in a child process on free ports, with its own temporary database. */
export interface CollectorProcess {
  baseUrl: string;
  otlpHttpPort: number;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `faultline` serving `apps/ui/dist` and waits for `/healthz`. */
export async function startCollector(env: Record<string, string> = {}): Promise<CollectorProcess> {
  if (!existsSync(join(COLLECTOR_BIN, '../../dist/cli.js'))) {
    throw new Error(
      'the collector is not built: run `pnpm exec turbo run build --filter=@faultline/collector...`',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'faultline-ui-e2e-'));
  const [port, otlpHttpPort, otlpGrpcPort] = (await freePorts(3)) as [number, number, number];
  const args = [
    COLLECTOR_BIN,
    ...['--db', join(dir, 'e2e.db'), '--port', `${port}`, '--otlp-http-port', `${otlpHttpPort}`],
    ...['--otlp-grpc-port', `${otlpGrpcPort}`, '--ui-dir', UI_DIST],
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited early:\n${output}`);
    const healthy = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error(`collector did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    baseUrl,
    otlpHttpPort,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
