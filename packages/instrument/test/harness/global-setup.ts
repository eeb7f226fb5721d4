import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { APP_NODE_BINARY, expectedAppNodeMajor } from './app-node.js';
import { betterSqlite3Binding } from './better-sqlite3-binding.js';
import { PACKAGE_DIR } from './paths.js';

/**
 * The black-box tests run apps with `--require @faultline/instrument/register`, which loads dist/.
 * Rebuild it when any source file is newer, so `vitest run` never tests stale code. Says which Node
 * the apps run on, since FAULTLINE_TEST_NODE may name another one than vitest's, and builds
 * better-sqlite3 for that Node once.
 */
export default function setup(): void {
  if (APP_NODE_BINARY !== process.execPath) {
    console.log(
      `apps under test run on Node ${expectedAppNodeMajor()} (${APP_NODE_BINARY}); vitest on ${process.version}`,
    );
    betterSqlite3Binding((line) => console.log(line));
  }
  const src = path.join(PACKAGE_DIR, 'src');
  const built = path.join(PACKAGE_DIR, 'dist/register.js');
  const newestSource = Math.max(
    ...readdirSync(src)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .map((file) => statSync(path.join(src, file)).mtimeMs),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource) return;
  execFileSync(process.execPath, [typescriptCompiler(), '-p', 'tsconfig.build.json'], {
    cwd: PACKAGE_DIR,
    stdio: 'inherit',
  });
}

function typescriptCompiler(): string {
  return path.join(PACKAGE_DIR, 'node_modules/typescript/bin/tsc');
}
