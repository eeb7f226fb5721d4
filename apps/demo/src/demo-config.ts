/*
 * The main job's settings: every port can be moved with an environment variable (the collector's use
 * the collector's own names), the data folder defaults to `.faultline/` at the repository root.
 */
import { fileURLToPath } from 'node:url';

/** Everything `pnpm demo` can be told through the environment. */
export interface DemoConfig {
  collectorPort: number;
  otlpHttpPort: number;
  otlpGrpcPort: number;
  controlPort: number;
  gatewayPort: number;
  ordersPort: number;
  legacyPort: number;
  /** Holds the collector database, the orders SQLite file and the services' logs. */
  dataDir: string;
  /** PostgreSQL for the orders service; SQLite when unset. */
  databaseUrl: string | undefined;
  requestsPerSecond: number;
}

/** Each setting's environment variable and default, for the config and for `--help`-style docs. */
export const DEMO_ENV = {
  collectorPort: ['FAULTLINE_PORT', 8318],
  otlpHttpPort: ['FAULTLINE_OTLP_HTTP_PORT', 4318],
  otlpGrpcPort: ['FAULTLINE_OTLP_GRPC_PORT', 4317],
  controlPort: ['DEMO_CONTROL_PORT', 8319],
  gatewayPort: ['DEMO_GATEWAY_PORT', 8320],
  ordersPort: ['DEMO_ORDERS_PORT', 8321],
  legacyPort: ['DEMO_LEGACY_PORT', 8322],
} as const;

/** The repository root (apps/demo/src or apps/demo/dist, two folders further up). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Reads the demo's settings; throws with the variable's name when one is malformed. */
export function readDemoConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const port = (key: keyof typeof DEMO_ENV): number => {
    const [name, fallback] = DEMO_ENV[key];
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65_535) {
      throw new Error(`${name} must be a port from 1 to 65535, got "${raw}"`);
    }
    return value;
  };
  const rpsRaw = env['DEMO_RPS']?.trim();
  const requestsPerSecond = rpsRaw ? Number(rpsRaw) : 10;
  if (!Number.isFinite(requestsPerSecond) || requestsPerSecond <= 0 || requestsPerSecond > 1000) {
    throw new Error(`DEMO_RPS must be a number of requests per second from 0 to 1000, got "${rpsRaw}"`);
  }
  return {
    collectorPort: port('collectorPort'),
    otlpHttpPort: port('otlpHttpPort'),
    otlpGrpcPort: port('otlpGrpcPort'),
    controlPort: port('controlPort'),
    gatewayPort: port('gatewayPort'),
    ordersPort: port('ordersPort'),
    legacyPort: port('legacyPort'),
    dataDir: env['DEMO_DATA_DIR']?.trim() || `${REPO_ROOT}.faultline`,
    databaseUrl: env['DATABASE_URL']?.trim() || undefined,
    requestsPerSecond,
  };
}
