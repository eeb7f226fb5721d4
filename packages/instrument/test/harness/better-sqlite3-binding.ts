import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { APP_NODE_BINARY } from './app-node.js';
import { PACKAGE_DIR } from './paths.js';

/** The installed better-sqlite3 package: its sources (binding.gyp, deps/, src/) are what is rebuilt. */
const sourceDir = path.dirname(
  createRequire(path.join(PACKAGE_DIR, 'package.json')).resolve('better-sqlite3/package.json'),
);

let cached: { binary: string; binding: string | undefined } | undefined;

/**
 * The better-sqlite3 addon the apps under test load (passed to them as
 * FAULTLINE_TEST_BETTER_SQLITE3_BINDING, their `nativeBinding`): undefined on vitest's own Node, whose
 * ABI the installed build has; for another Node (FAULTLINE_TEST_NODE) the same better-sqlite3 compiled
 * for that Node's ABI, built once with node-gyp against its headers and kept in
 * ~/.cache/faultline/better-sqlite3. Building takes a couple of minutes (SQLite is one large C file).
 */
export function betterSqlite3Binding(log: (line: string) => void = () => {}): string | undefined {
  if (cached?.binary === APP_NODE_BINARY) return cached.binding;
  const binding = APP_NODE_BINARY === process.execPath ? undefined : ensureBinding(APP_NODE_BINARY, log);
  cached = { binary: APP_NODE_BINARY, binding };
  return binding;
}

function ensureBinding(nodeBinary: string, log: (line: string) => void): string {
  const abi = execFileSync(nodeBinary, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
  const { version } = JSON.parse(readFileSync(path.join(sourceDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const finalDir = path.join(cacheRoot(), `${version}-abi${abi}`);
  const binding = path.join(finalDir, 'better_sqlite3.node');
  if (existsSync(binding)) return binding;
  removeDeadBuilds(path.dirname(finalDir), path.basename(finalDir));
  // Built in a private folder and renamed into place whole: concurrent or killed runs leave no half file.
  const workDir = `${finalDir}.tmp-${process.pid}-${Date.now()}`;
  const outDir = path.join(workDir, 'out');
  mkdirSync(outDir, { recursive: true });
  try {
    for (const entry of ['binding.gyp', 'deps', 'src', 'package.json']) {
      cpSync(path.join(sourceDir, entry), path.join(workDir, entry), { recursive: true });
    }
    log(`building better-sqlite3 ${version} for Node ABI ${abi} (${nodeBinary}) into ${finalDir}`);
    const nodeDir = path.resolve(nodeBinary, '../..');
    const headers = existsSync(path.join(nodeDir, 'include/node/node.h')) ? [`--nodedir=${nodeDir}`] : [];
    execFileSync(
      nodeBinary,
      [nodeGyp(), 'rebuild', '--release', '-j', String(os.availableParallelism()), ...headers],
      {
        cwd: workDir,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    copyFileSync(
      path.join(workDir, 'build/Release/better_sqlite3.node'),
      path.join(outDir, 'better_sqlite3.node'),
    );
    try {
      renameSync(outDir, finalDir);
    } catch (error) {
      // A concurrent run got there first; its folder is complete.
      if (!existsSync(binding)) throw error;
    }
    return binding;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Removes the work folders of builds whose process died (a killed run leaves ~50 MB behind). */
function removeDeadBuilds(root: string, name: string): void {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(`${name}.tmp-`)) continue;
    const pid = Number(entry.slice(name.length + 5).split('-')[0]);
    if (!isAlive(pid)) rmSync(path.join(root, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'faultline', 'better-sqlite3');
}

/** npm's own node-gyp: there on every machine with npm, and it needs no network with --nodedir. */
function nodeGyp(): string {
  const globalRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const script = path.join(globalRoot, 'npm/node_modules/node-gyp/bin/node-gyp.js');
  if (!existsSync(script)) throw new Error(`node-gyp not found at ${script} (it ships with npm)`);
  return script;
}
