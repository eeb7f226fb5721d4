import { isMainThread } from 'node:worker_threads';
import { registerEsmLoaderHook } from './esm-loader-hook.js';
import { describeError, writeWarning } from './faultline-log.js';
import { start } from './start.js';

/**
 * What `--require @faultline/instrument/register` and `--import @faultline/instrument/register` run:
 * starts Faultline from the environment. Under `--import` the app is (or may be) ESM, so the
 * import-in-the-middle loader hook is registered first (see esm-loader-hook.ts); static imports are
 * only patched through it.
 * Worker threads (and the loader's own thread) inherit preload flags but are left alone: the main
 * thread's SDK covers the process.
 */
export function startFromPreload(
  argv: readonly string[] = process.execArgv,
  env: NodeJS.ProcessEnv = process.env,
): void {
  if (!isMainThread) return;
  if (loadedWithImportFlag(argv, env)) {
    try {
      registerEsmLoaderHook();
    } catch (error) {
      writeWarning(
        `could not register the ESM loader hook (${describeError(error)}); ESM imports stay unpatched`,
      );
    }
  }
  start();
}

/** True when node was started with `--import` (in its arguments or NODE_OPTIONS). */
export function loadedWithImportFlag(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const isImportFlag = (arg: string): boolean => arg === '--import' || arg.startsWith('--import=');
  return argv.some(isImportFlag) || (env['NODE_OPTIONS'] ?? '').split(/\s+/).some(isImportFlag);
}
