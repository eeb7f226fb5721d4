import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WireLogRecord, WireSpan } from '@faultline/model';
import { freePorts } from './free-port.js';
import { REPO_DIR } from './paths.js';

/** A trace as the collector's query API returns it. */
export interface StoredTrace {
  traceId: string;
  spans: WireSpan[];
  logs: WireLogRecord[];
  diagnosis: unknown;
}

/** A collector running in a child process on free ports with a temporary database. */
export interface RunningCollector {
  /** Base URL of the query API, e.g. http://127.0.0.1:41234. */
  apiUrl: string;
  /** Base URL of the OTLP/HTTP receiver, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpHttpUrl: string;
  /** Polls `GET /api/traces/:id` until `until` holds for the stored trace; rejects after `timeoutMs`. */
  waitForTrace(
    traceId: string,
    until?: (trace: StoredTrace) => boolean,
    timeoutMs?: number,
  ): Promise<StoredTrace>;
  stop(): Promise<void>;
}

/** The collector's CLI; FAULTLINE_TEST_COLLECTOR points the tests at another build of it. */
const COLLECTOR_BIN =
  process.env['FAULTLINE_TEST_COLLECTOR'] ?? path.join(REPO_DIR, 'apps/collector/bin/faultline.js');

/** Whether the collector can be started (it must be built: `pnpm --filter @faultline/collector build`). */
export function collectorAvailable(): boolean {
  if (process.env['FAULTLINE_TEST_COLLECTOR']) return existsSync(COLLECTOR_BIN);
  return existsSync(path.join(REPO_DIR, 'apps/collector/dist/cli.js'));
}

/** Starts the Faultline collector and waits until `/healthz` answers 200. */
export async function startCollector(): Promise<RunningCollector> {
  if (!collectorAvailable()) {
    throw new Error(
      `the collector is not built (${COLLECTOR_BIN}); run: pnpm --filter @faultline/collector... build`,
    );
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-collector-'));
  const [port, otlpHttpPort, otlpGrpcPort] = (await freePorts(3)) as [number, number, number];
  const child = spawn(
    process.execPath,
    [
      COLLECTOR_BIN,
      ...['--db', path.join(dir, 'faultline.db'), '--host', '127.0.0.1', '--port', String(port)],
      ...['--otlp-http-port', String(otlpHttpPort), '--otlp-grpc-port', String(otlpGrpcPort)],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const apiUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`collector exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${apiUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`collector did not become healthy: ${stderr}`);
    await sleep(100);
  }
  return {
    apiUrl,
    otlpHttpUrl: `http://127.0.0.1:${otlpHttpPort}`,
    async waitForTrace(traceId, until = () => true, timeoutMs = 8000) {
      const end = Date.now() + timeoutMs;
      let last: StoredTrace | undefined;
      for (;;) {
        const response = await fetch(`${apiUrl}/api/traces/${traceId}`);
        if (response.ok) {
          last = (await response.json()) as StoredTrace;
          if (until(last)) return last;
        }
        if (Date.now() > end) {
          throw new Error(
            `trace ${traceId} did not arrive as expected within ${timeoutMs} ms; last seen: ${JSON.stringify(last)?.slice(0, 2000)}`,
          );
        }
        await sleep(100);
      }
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
