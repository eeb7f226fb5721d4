import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BoundPorts, type BuildOptions, buildApp, type Collector } from '../../src/app.js';
import { type CollectorConfig, DEFAULT_CONFIG } from '../../src/config.js';
import { type StoreBackend, sqliteBackend } from './store-backends.js';

/** A collector on free loopback ports with a database in a fresh temp folder. */
export interface RunningCollector extends BoundPorts {
  collector: Collector;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

/**
 * Builds and starts a collector for a test; `stop()` closes it and removes its folder. On a backend
 * other than SQLite the store is opened by the backend and handed to the collector.
 */
export async function startCollector(
  overrides: Partial<CollectorConfig> = {},
  options: BuildOptions = {},
  backend: StoreBackend = sqliteBackend,
): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-test-'));
  const dbPath = join(dir, 'faultline.db');
  const store = backend === sqliteBackend ? undefined : (await backend.open()).store;
  const collector = await buildApp(
    // Silent unless a test asks for a level: the log is tested through the CLI (logging.test.ts).
    {
      ...DEFAULT_CONFIG,
      dbPath,
      port: 0,
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      uiDir: dir,
      logLevel: 'silent',
      ...overrides,
    },
    store ? { ...options, store } : options,
  );
  const ports = await collector.listen();
  return {
    ...ports,
    collector,
    dir,
    dbPath,
    async stop() {
      await collector.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
