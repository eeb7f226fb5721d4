import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BoundPorts, type BuildOptions, buildApp, type Collector } from '../../src/app.js';
import { type CollectorConfig, DEFAULT_CONFIG } from '../../src/config.js';

/** A collector on free loopback ports with a database in a fresh temp folder. */
export interface RunningCollector extends BoundPorts {
  collector: Collector;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

/** Builds and starts a collector for a test; `stop()` closes it and removes its folder. */
export async function startCollector(
  overrides: Partial<CollectorConfig> = {},
  options: BuildOptions = {},
): Promise<RunningCollector> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-test-'));
  const dbPath = join(dir, 'faultline.db');
  const collector = await buildApp(
    { ...DEFAULT_CONFIG, dbPath, port: 0, otlpHttpPort: 0, otlpGrpcPort: 0, uiDir: dir, ...overrides },
    options,
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
