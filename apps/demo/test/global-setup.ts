/*
 * Before the demo's tests: compile the demo when a source file is newer than its build (the tests run
 * the compiled services as real processes), check the collector is built, and start a throwaway
 * PostgreSQL cluster when its binaries exist.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { postgresMissing, startPostgresCluster } from './support/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test cluster, or null when PostgreSQL is not installed. */
    postgresUrl: string | null;
    /** Why `postgresUrl` is null. */
    postgresMissing: string;
  }
}

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));

function buildDemoIfStale(): void {
  const src = join(DEMO_DIR, 'src');
  const newestSource = Math.max(
    ...readdirSync(src)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => statSync(join(src, file)).mtimeMs),
  );
  const built = join(DEMO_DIR, 'dist', 'main.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  execFileSync(
    process.execPath,
    [join(DEMO_DIR, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: DEMO_DIR,
      stdio: 'inherit',
    },
  );
}

/** Runs once before all test files; the function it returns runs once after them. */
export default async function setup(project: TestProject): Promise<() => void> {
  buildDemoIfStale();
  if (!existsSync(join(DEMO_DIR, 'node_modules/@faultline/collector/dist/cli.js'))) {
    throw new Error('the collector is not built; run `pnpm build` at the repository root first');
  }
  const missing = postgresMissing();
  const cluster = missing === undefined ? await startPostgresCluster() : undefined;
  project.provide('postgresUrl', cluster?.url ?? null);
  project.provide('postgresMissing', missing ?? '');
  return () => cluster?.stop();
}
