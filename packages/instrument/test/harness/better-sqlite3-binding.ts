import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { APP_NODE_BINARY } from './app-node.js';
import { PACKAGE_DIR } from './paths.js';

/** What better-sqlite3's build is compiled against: the ABI of the Node that installed the workspace. */
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
