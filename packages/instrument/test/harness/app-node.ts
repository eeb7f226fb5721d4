import { execFileSync } from 'node:child_process';

/**
 * The node binary the apps under test run on. FAULTLINE_TEST_NODE names another one (the root
 * `pnpm test:node-versions` sets it to each official binary in turn); vitest, the collector and
 * Postgres stay on the machine's Node either way, as they would beside a user's service.
 */
export const APP_NODE_BINARY = process.env['FAULTLINE_TEST_NODE'] || process.execPath;

let expectedMajor: number | undefined;

/**
 * The Node major every app must report: FAULTLINE_TEST_NODE_MAJOR when set (so a binary of the wrong
 * line fails), else what APP_NODE_BINARY itself reports.
 */
export function expectedAppNodeMajor(): number {
  if (expectedMajor !== undefined) return expectedMajor;
  const pinned = process.env['FAULTLINE_TEST_NODE_MAJOR'];
  expectedMajor =
    pinned !== undefined && pinned !== ''
      ? Number(pinned)
      : APP_NODE_BINARY === process.execPath
        ? majorOf(process.version)
        : majorOf(execFileSync(APP_NODE_BINARY, ['-p', 'process.version'], { encoding: 'utf8' }).trim());
  return expectedMajor;
}

/**
 * Throws unless `version` (an app's `process.version`) is of the expected major: a harness that
 * ignored FAULTLINE_TEST_NODE would otherwise pass on the machine's Node.
 */
export function assertAppNodeVersion(script: string, version: string | undefined): void {
  const expected = expectedAppNodeMajor();
  if (version === undefined || majorOf(version) !== expected) {
    throw new Error(
      `${script} ran on Node ${version ?? '(unreported: the app must print {port, node: process.version})'}, expected Node ${expected} (${APP_NODE_BINARY})`,
    );
  }
}

/** The major of a `process.version` string such as `v22.3.0`. */
export function majorOf(version: string): number {
  return Number(/^v(\d+)\./.exec(version)?.[1]);
}
