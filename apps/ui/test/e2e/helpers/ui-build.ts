import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { UI_DIST } from './collector-process.js';

const UI_ROOT = join(UI_DIST, '..');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Builds the UI when dist/ is missing or older than its sources, so the browser tests never run
 * against a stale bundle (turbo builds first in `pnpm test`; a bare `vitest run` may not have).
 */
export async function ensureUiBuilt(): Promise<void> {
  const index = join(UI_DIST, 'index.html');
  const sourcesMs = Math.max(
    newestMtimeMs(join(UI_ROOT, 'src')),
    statSync(join(UI_ROOT, 'index.html')).mtimeMs,
    statSync(join(UI_ROOT, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sourcesMs) return;
  await build({ root: UI_ROOT, configFile: join(UI_ROOT, 'vite.config.ts'), logLevel: 'warn' });
}
