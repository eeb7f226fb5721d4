/*
 * The whole demo as running processes: the Faultline collector (never instrumented), then gateway and
 * orders loaded with @faultline/instrument, and the legacy service without it. Used by the main job
 * and by the end-to-end tests, so the tests run exactly what a newcomer runs.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RunningChild } from './child-process.js';
import { distScript, startChild, waitUntilHealthy } from './child-process.js';
import type { DemoService } from './faults.js';
import { freePort } from './free-port.js';

/** Ports and files of one demo stack. */
export interface StackOptions {
  collectorPort: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  gatewayPort: number;
  ordersPort: number;
  legacyPort: number;
  /** A port nobody listens on: where the `wrong-upstream` fault sends the gateway. */
  closedPort: number;
  /** The collector's SQLite file. */
  collectorDb: string;
  /** The orders SQLite file, used when `databaseUrl` is not set. */
  ordersSqliteFile: string;
  /** PostgreSQL for orders instead of SQLite. */
  databaseUrl?: string;
  /**
   * Where the gateway reaches orders (default: orders itself). Tests put a proxy here, e.g. one that
   * drops `traceparent` so the call's trace breaks in two (docs/diagnosis.md, "Stitched traces").
   */
  gatewayOrdersUrl?: string;
  /** Where each process writes `<name>.log`. */
  logDir: string;
  /** Told of each process as soon as it is spawned, so a caller can stop it even mid-startup. */
  onChildStarted?: (child: RunningChild) => void;
}

/** A running stack. */
export interface Stack {
  uiUrl: string;
  gatewayUrl: string;
  /** Base URL of each service's `/__faults` endpoint owner. */
  serviceUrls: Record<DemoService, string>;
  children: RunningChild[];
  /** Services first (SIGTERM, so they flush their spans), then the collector (commits and closes its database). */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 20_000;
const SERVICE_GRACE_MS = 5_000;
const COLLECTOR_GRACE_MS = 10_000;

/** Where the collector's CLI is; a clear error when it has not been built. */
function collectorBin(): string {
  const packageDir = fileURLToPath(new URL('../node_modules/@faultline/collector/', import.meta.url));
  const bin = join(packageDir, 'bin', 'faultline.js');
  if (!existsSync(join(packageDir, 'dist', 'cli.js'))) {
    throw new Error(`the collector is not built (${packageDir}dist is missing); run: pnpm build`);
  }
  return bin;
}

/** The `--import` argument that loads @faultline/instrument into an ESM service. */
function instrumentRegister(): string {
  const path = createRequire(import.meta.url).resolve('@faultline/instrument/register');
  return pathToFileURL(path).href;
}

/** Starts the collector, waits for it, then starts the services and waits for them. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const children: RunningChild[] = [];
  const services: RunningChild[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(services.map((child) => child.stop(SERVICE_GRACE_MS)));
    await Promise.all(children.map((child) => child.stop(COLLECTOR_GRACE_MS)));
  };
  const url = (port: number): string => `http://${HOST}:${port}`;
  const { FAULTLINE_TOKEN: _token, ...baseEnv } = process.env;
  try {
    const collector = startChild({
      name: 'collector',
      args: [
        collectorBin(),
        ...['--db', options.collectorDb, '--host', HOST, '--port', String(options.collectorPort)],
        ...[
          '--otlp-http-port',
          String(options.otlpHttpPort),
          '--otlp-grpc-port',
          String(options.otlpGrpcPort),
        ],
      ],
      // The demo's own collector takes the demo's unauthenticated exports, whatever the shell says.
      env: baseEnv,
      logFile: join(options.logDir, 'collector.log'),
    });
    children.push(collector);
    options.onChildStarted?.(collector);
    await waitUntilHealthy(collector, `${url(options.collectorPort)}/healthz`, STARTUP_TIMEOUT_MS);

    const register = instrumentRegister();
    const instrumented = (name: string): NodeJS.ProcessEnv => ({
      ...baseEnv,
      OTEL_SERVICE_NAME: name,
      OTEL_EXPORTER_OTLP_ENDPOINT: url(options.otlpHttpPort),
    });
    const launch = (name: DemoService, args: string[], env: NodeJS.ProcessEnv): RunningChild => {
      const child = startChild({ name, args, env, logFile: join(options.logDir, `${name}.log`) });
      services.push(child);
      children.push(child);
      options.onChildStarted?.(child);
      return child;
    };
    const { DATABASE_URL: _ignored, ...withoutDatabase } = instrumented('orders');
    const started = [
      launch('legacy', [distScript('legacy.js')], { ...baseEnv, PORT: String(options.legacyPort) }),
      // The services are ESM, so the instrumentation is loaded with --import: under --require the
      // import-in-the-middle hook is not registered and Express, Fastify and pg stay unpatched.
      launch('orders', ['--import', register, distScript('orders.js')], {
        ...withoutDatabase,
        PORT: String(options.ordersPort),
        ...(options.databaseUrl
          ? { DATABASE_URL: options.databaseUrl }
          : { SQLITE_FILE: options.ordersSqliteFile }),
      }),
      launch('gateway', ['--import', register, distScript('gateway.js')], {
        ...instrumented('gateway'),
        PORT: String(options.gatewayPort),
        ORDERS_URL: options.gatewayOrdersUrl ?? url(options.ordersPort),
        ORDERS_WRONG_URL: url(options.closedPort),
        LEGACY_URL: url(options.legacyPort),
      }),
    ];
    const ports = [options.legacyPort, options.ordersPort, options.gatewayPort];
    await Promise.all(
      started.map((child, i) => waitUntilHealthy(child, `${url(ports[i]!)}/healthz`, STARTUP_TIMEOUT_MS)),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    uiUrl: `${url(options.collectorPort)}/`,
    gatewayUrl: url(options.gatewayPort),
    serviceUrls: {
      gateway: url(options.gatewayPort),
      orders: url(options.ordersPort),
      legacy: url(options.legacyPort),
    },
    children,
    stop,
  };
}

/**
 * A whole stack on free loopback ports with its files in `dataDir`: what the benchmark and the
 * fixture recorder run (the main job uses fixed, configurable ports instead).
 */
export async function startStackOnFreePorts(dataDir: string, databaseUrl?: string): Promise<Stack> {
  return startStack({
    collectorPort: await freePort(),
    otlpHttpPort: await freePort(),
    otlpGrpcPort: await freePort(),
    gatewayPort: await freePort(),
    ordersPort: await freePort(),
    legacyPort: await freePort(),
    closedPort: await freePort(),
    collectorDb: join(dataDir, 'collector.db'),
    ordersSqliteFile: join(dataDir, 'orders.db'),
    logDir: dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
  });
}
