import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../../packages/instrument/test/harness/free-port.js';

/** A throwaway redis-server. */
export interface RunningRedis {
  /** e.g. redis://127.0.0.1:40123 */
  url: string;
  stop(): Promise<void>;
}

const SEARCH = ['/usr/bin', '/usr/sbin', '/usr/local/bin'];

/** The redis-server binary: from REDIS_BIN (a folder) when set, else the usual system folders. */
export function redisServerBinary(): string | undefined {
  const dirs = process.env['REDIS_BIN'] ? [process.env['REDIS_BIN']] : SEARCH;
  return dirs.map((dir) => path.join(dir, 'redis-server')).find((file) => existsSync(file));
}

/** Why the Redis tests cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  if (redisServerBinary()) return undefined;
  return 'redis-server not found: install redis-server (Debian) or set REDIS_BIN';
}

/**
 * redis-server on a free 127.0.0.1 port in a temporary folder, without persistence; waits up to 15 s
 * for it to answer PING.
 */
export async function startRedis(): Promise<RunningRedis> {
  const binary = redisServerBinary();
  if (!binary) throw new Error(redisMissing());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'faultline-redis-'));
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore', cwd: dir },
  );
  const deadline = Date.now() + 15_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not answer PING on ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.once('error', () => done(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
