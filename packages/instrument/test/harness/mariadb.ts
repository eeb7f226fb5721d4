import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { freePort } from './free-port.js';

/** A throwaway MariaDB (or MySQL) server. */
export interface RunningMariaDb {
  /** Connection URL for mysql2, e.g. mysql://root@127.0.0.1:33061/faultline. */
  url: string;
  /** Sends SIGTERM and waits (bounded) for the server to exit, then removes its folder. */
  stop(): Promise<void>;
}

/** The tools a private server needs: the server binary and the datadir initialiser. */
export interface MariaDbBinaries {
  server: string;
  installDb: string;
}

const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin', '/usr/local/mysql/bin'];

/**
 * mariadbd (or mysqld) and mariadb-install-db (or mysql_install_db): from MARIADB_BIN when set, else
 * the usual system folders; undefined when absent.
 */
export function mariaDbBinaries(): MariaDbBinaries | undefined {
  const fromEnv = process.env['MARIADB_BIN'];
  const dirs = fromEnv ? [fromEnv] : SEARCH;
  const find = (names: string[]): string | undefined => {
    for (const dir of dirs) {
      for (const name of names) {
        const file = path.join(dir, name);
        if (existsSync(file)) return file;
      }
    }
    return undefined;
  };
  const server = find(['mariadbd', 'mysqld']);
  const installDb = find(['mariadb-install-db', 'mysql_install_db']);
  return server && installDb ? { server, installDb } : undefined;
}

/**
 * Why the MariaDB tests cannot run here, or undefined when they can. In CI (CI=true) a missing server
 * is a failure, never a silent skip; locally the tests are skipped with this message.
 */
export function mariaDbMissing(): string | undefined {
  if (mariaDbBinaries()) return undefined;
  return 'MariaDB binaries (mariadbd, mariadb-install-db) not found: install mariadb-server-core (Debian) or set MARIADB_BIN';
}

/**
 * mariadb-install-db into a temporary datadir, then mariadbd on a free 127.0.0.1 port and a socket in
 * that folder, with grant tables skipped (any user, no password) and durability off. mariadbd refuses
 * to run as root unless told to, so as root it is started with --user=root. Waits up to 30 s for the
 * server to accept connections, then creates the `faultline` database.
 */
export async function startMariaDb(): Promise<RunningMariaDb> {
  const binaries = mariaDbBinaries();
  if (!binaries) throw new Error(mariaDbMissing());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-mariadb-'));
  const data = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const user = os.userInfo().username;
  const asRoot = process.getuid?.() === 0;
  execFileSync(
    binaries.installDb,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--user=${user}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--skip-name-resolve',
    ],
    { stdio: 'pipe', cwd: dir },
  );
  const port = await freePort();
  const child = spawn(
    binaries.server,
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${path.join(dir, 'error.log')}`,
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--max-connections=200',
      ...(asRoot ? ['--user=root'] : []),
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitForListening(child, port, dir, 30_000);
    const connection = await createConnection({ host: '127.0.0.1', port, user: 'root' });
    await connection.query('CREATE DATABASE IF NOT EXISTS faultline');
    await connection.end();
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `mysql://root@127.0.0.1:${port}/faultline`,
    async stop() {
      try {
        await stopChild(child);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Polls until the server answers the MySQL handshake on `port`; rejects on exit or after `timeoutMs`. */
async function waitForListening(child: ChildProcess, port: number, dir: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const errorLog = (): string => {
    try {
      return execFileSync('tail', ['-n', '20', path.join(dir, 'error.log')]).toString();
    } catch {
      return '(no error log)';
    }
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mariadbd exited with ${child.exitCode}: ${errorLog()}`);
    if (await handshakes(port)) return;
    if (Date.now() > deadline) throw new Error(`mariadbd did not accept connections: ${errorLog()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True when a connection to `port` receives the server's greeting packet. */
function handshakes(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('data', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
