/*
 * `pnpm demo`: starts Faultline's collector and the demo services, switches a mix of faults on,
 * sends steady traffic, and prints where to look. Ctrl-C (or SIGTERM) stops the services first, so
 * their last spans are flushed, then the collector, which commits and closes its database.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, relative } from 'node:path';
import { formatBanner } from './banner.js';
import type { RunningChild } from './child-process.js';
import { logTail } from './child-process.js';
import { CONTROL_PATH, startControlServer } from './control-server.js';
import type { DemoConfig } from './demo-config.js';
import { REPO_ROOT, readDemoConfig } from './demo-config.js';
import { forwardFaultSetting, listFaultSettings } from './fault-forwarding.js';
import { DEFAULT_FAULT_MIX } from './faults.js';
import { freePort } from './free-port.js';
import type { ProgressLine } from './progress-line.js';
import { showProgress } from './progress-line.js';
import type { Stack } from './stack.js';
import { startStack } from './stack.js';
import type { Traffic } from './traffic.js';
import { startTraffic } from './traffic.js';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

let config: DemoConfig;
try {
  config = readDemoConfig(process.env);
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(2);
}

const children: RunningChild[] = [];
let stack: Stack | undefined;
let control: Server | undefined;
let traffic: Traffic | undefined;
let progress: ProgressLine | undefined;
let stopping = false;

/** Stops everything in order and exits; a second signal while stopping kills what is left at once. */
async function shutdown(exitCode: number): Promise<void> {
  if (stopping) {
    for (const child of children) child.kill();
    process.exit(exitCode);
  }
  stopping = true;
  progress?.clear();
  say('Stopping: services first (they flush their last spans), then the collector...');
  await traffic?.stop(1500);
  control?.close();
  const isCollector = (child: RunningChild): boolean => child.name === 'collector';
  await Promise.all(children.filter((child) => !isCollector(child)).map((child) => child.stop(5000)));
  await Promise.all(children.filter(isCollector).map((child) => child.stop(10_000)));
  say('Stopped.');
  process.exit(exitCode);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// The last resort when the main job dies of an error: no child may outlive it.
process.on('exit', () => {
  for (const child of children) child.kill();
});

async function run(): Promise<void> {
  const { dataDir } = config;
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // A fresh start each time: the page should show this run's failures, not yesterday's.
  for (const file of ['demo.db', 'demo.db-wal', 'demo.db-shm', 'orders.sqlite', 'orders.sqlite-journal']) {
    rmSync(join(dataDir, file), { force: true });
  }
  for (const name of ['collector', 'gateway', 'orders', 'legacy'])
    rmSync(join(logDir, `${name}.log`), { force: true });
  const shown = (path: string): string => (path.startsWith(REPO_ROOT) ? relative(REPO_ROOT, path) : path);

  say(`Starting the Faultline collector and the demo services (logs in ${shown(logDir)}/)...`);
  stack = await startStack({
    collectorPort: config.collectorPort,
    otlpHttpPort: config.otlpHttpPort,
    otlpGrpcPort: config.otlpGrpcPort,
    gatewayPort: config.gatewayPort,
    ordersPort: config.ordersPort,
    legacyPort: config.legacyPort,
    closedPort: await freePort(),
    collectorDb: join(dataDir, 'demo.db'),
    ordersSqliteFile: join(dataDir, 'orders.sqlite'),
    databaseUrl: config.databaseUrl,
    logDir,
    onChildStarted: (child) => {
      children.push(child);
      void child.exited.then(({ code, signal }) => {
        // During startup the failed wait reports it (with the port hint); afterwards nobody would.
        if (stopping || stack === undefined) return;
        progress?.clear();
        process.stderr.write(
          `\n${child.name} stopped unexpectedly (${signal ?? `code ${code}`}):\n${logTail(child)}\n`,
        );
        void shutdown(1);
      });
    },
  });
  if (stopping) return;

  const notes = new Map<string, string>();
  for (const setting of DEFAULT_FAULT_MIX) {
    const answer = await forwardFaultSetting(stack.serviceUrls, setting);
    if (answer.statusCode !== 200)
      notes.set(setting.name, `skipped: ${(answer.body as { error?: string }).error}`);
  }
  control = await startControlServer(stack.serviceUrls, config.controlPort);
  traffic = startTraffic(stack.gatewayUrl, config.requestsPerSecond);
  say(
    formatBanner({
      uiUrl: stack.uiUrl,
      gatewayUrl: stack.gatewayUrl,
      controlUrl: `http://127.0.0.1:${config.controlPort}${CONTROL_PATH}`,
      database: config.databaseUrl
        ? 'PostgreSQL (DATABASE_URL)'
        : `SQLite (${shown(join(dataDir, 'orders.sqlite'))})`,
      requestsPerSecond: config.requestsPerSecond,
      faults: await listFaultSettings(stack.serviceUrls),
      notes,
    }),
  );
  progress = showProgress(traffic.stats, process.stdout);
}

run().catch((error: unknown) => {
  if (stopping) return;
  progress?.clear();
  process.stderr.write(`demo: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  const hint =
    'If a port is taken, move it: FAULTLINE_PORT, FAULTLINE_OTLP_HTTP_PORT, FAULTLINE_OTLP_GRPC_PORT,';
  process.stderr.write(`${hint} DEMO_CONTROL_PORT, DEMO_GATEWAY_PORT, DEMO_ORDERS_PORT, DEMO_LEGACY_PORT.\n`);
  void shutdown(1);
});
