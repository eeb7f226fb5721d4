/*
 * The main job as a newcomer meets it (`pnpm demo` builds, then runs `node apps/demo/dist/main.js`):
 * it starts everything, the UI is served and the failures page fills within seconds, the fault
 * command changes the running demo, and stopping it leaves no process behind.
 */

import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { distScript } from '../src/child-process.js';
import { freePort } from '../src/free-port.js';
import { descendantsOf, isAlive } from './support/processes.js';

interface RunningDemo {
  main: ChildProcess;
  env: NodeJS.ProcessEnv;
  uiUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Starts the main job on free ports in its own process group, as a shell starts a foreground job. */
async function startDemo(): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'faultline-demo-main-'));
  const names = [
    'FAULTLINE_PORT',
    'FAULTLINE_OTLP_HTTP_PORT',
    'FAULTLINE_OTLP_GRPC_PORT',
    'DEMO_CONTROL_PORT',
    'DEMO_GATEWAY_PORT',
    'DEMO_ORDERS_PORT',
    'DEMO_LEGACY_PORT',
  ];
  const ports = await Promise.all(names.map(() => freePort()));
  const { DATABASE_URL: _sqlite, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    ...Object.fromEntries(names.map((name, i) => [name, String(ports[i])])),
    DEMO_DATA_DIR: dataDir,
  };
  const main = spawn(process.execPath, [distScript('main.js')], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  main.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  main.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => main.once('exit', (code) => resolve(code)));
  cleanups.push(() => {
    // Whatever a failed assertion left running.
    for (const pid of [main.pid!, ...descendantsOf(main.pid!)]) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {}
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { main, env, uiUrl: `http://127.0.0.1:${env['FAULTLINE_PORT']}/`, output: () => text, exited };
}

async function failureGroupCount(uiUrl: string): Promise<number> {
  try {
    const response = await fetch(`${uiUrl}api/failures`);
    return response.ok ? ((await response.json()) as { groups: unknown[] }).groups.length : 0;
  } catch {
    return 0;
  }
}

function runFaultCommand(env: NodeJS.ProcessEnv, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [distScript('fault-cli.js'), ...args], {
    env,
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('pnpm demo (the main job)', () => {
  it('serves the UI, fills the failures page within 15 s, and Ctrl-C stops every process it started', async () => {
    const demo = await startDemo();
    await expect
      .poll(() => failureGroupCount(demo.uiUrl), { timeout: 15_000, interval: 250 })
      .toBeGreaterThanOrEqual(2);
    expect(demo.output()).toContain(`Open ${demo.uiUrl}`);

    const page = await fetch(demo.uiUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<title>Faultline</title>');

    const changed = runFaultCommand(demo.env, ['explicit-500', '1']);
    expect(changed).toMatchObject({ status: 0 });
    expect(changed.output).toMatch(/100%\s+explicit-500/);
    const refused = runFaultCommand(demo.env, ['slow-query', '0.5']);
    expect(refused.status).toBe(1);
    expect(refused.output).toContain('needs PostgreSQL');

    const started = descendantsOf(demo.main.pid!);
    expect(started).toHaveLength(4); // collector, gateway, orders, legacy
    // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-demo.main.pid!, 'SIGINT');
    expect(await demo.exited).toBe(0);
    expect(started.filter(isAlive)).toEqual([]);
    expect(demo.output()).toContain('Stopped.');
  }, 40_000);

  it('when the main job is killed outright, the processes it started end by themselves', async () => {
    const demo = await startDemo();
    await expect.poll(() => demo.output(), { timeout: 20_000, interval: 200 }).toContain('Faultline is up');
    const started = descendantsOf(demo.main.pid!);
    expect(started).toHaveLength(4);
    demo.main.kill('SIGKILL');
    await expect.poll(() => started.filter(isAlive), { timeout: 15_000, interval: 200 }).toEqual([]);
  }, 40_000);
});
