import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// One port finder for every test harness that starts a collector (distinct ports, held until all are found).
import { freePorts } from '../../../../packages/instrument/test/harness/free-port.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/faultline.js');

/** The `faultline` CLI in a child process, as a user runs it. */
export interface CollectorProcess {
  child: ChildProcess;
  port: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the built CLI on free ports and waits until `/healthz` answers 200. */
export async function spawnCollector(
  dbPath: string,
  env: Record<string, string> = {},
  ports?: { port: number; otlpHttpPort: number; otlpGrpcPort: number },
): Promise<CollectorProcess> {
  const [freeA, freeB, freeC] = ports ? [] : await freePorts(3);
  const { port, otlpHttpPort, otlpGrpcPort } = ports ?? {
    port: freeA!,
    otlpHttpPort: freeB!,
    otlpGrpcPort: freeC!,
  };
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
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited early:\n${output}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`collector did not become healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, port, otlpHttpPort, otlpGrpcPort, output: () => output, exited };
}

/** Kills a collector a test left running (SIGKILL) and waits for it to exit. */
export async function killIfRunning(proc: CollectorProcess | undefined): Promise<void> {
  if (proc && proc.child.exitCode === null) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}
