/*
 * A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started on a free
 * port, reachable on 127.0.0.1 only, trust authentication, no fsync. PostgreSQL will not run as
 * root, so when the tests run as root every tool runs as the `postgres` user through runuser.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/free-port.js';

/** Where the PostgreSQL tools are: PG_BIN, else Debian's path for PostgreSQL 15. */
export const POSTGRES_BIN = process.env['PG_BIN'] || '/usr/lib/postgresql/15/bin';

/** A running cluster. */
export interface PostgresCluster {
  url: string;
  stop(): void;
}

/** Why the PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresMissing(): string | undefined {
  if (existsSync(join(POSTGRES_BIN, 'initdb')) && existsSync(join(POSTGRES_BIN, 'pg_ctl'))) return undefined;
  return `PostgreSQL binaries not found in ${POSTGRES_BIN} (install postgresql or set PG_BIN)`;
}

/** Creates and starts a cluster; the caller must call `stop()`. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const root = mkdtempSync(join(tmpdir(), 'faultline-demo-pg-'));
  const asRoot = process.getuid?.() === 0;
  const tool = (name: string, args: string[]): void => {
    const [command, commandArgs] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, name), ...args]]
      : [join(POSTGRES_BIN, name), args];
    execFileSync(command, commandArgs, { cwd: root, stdio: 'pipe' });
  };
  if (asRoot) {
    const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
    chownSync(root, id('-u'), id('-g'));
  }
  const data = join(root, 'data');
  const port = await freePort();
  try {
    tool('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    tool('pg_ctl', [
      ...['-D', data, '-l', join(root, 'postgres.log'), '-w', 'start', '-o'],
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`,
    ]);
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        tool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
