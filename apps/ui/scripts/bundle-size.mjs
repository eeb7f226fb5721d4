#!/usr/bin/env node
// Prints the gzip size of every built script (dist/assets/*.js) and their total, against the 60 KB budget.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 60 * 1024;
const assets = join(dirname(fileURLToPath(import.meta.url)), '../dist/assets');

let files;
try {
  files = readdirSync(assets).filter((name) => name.endsWith('.js') || name.endsWith('.css'));
} catch {
  console.error(`No build at ${assets}; run \`pnpm --filter @faultline/ui build\` first.`);
  process.exit(1);
}

let totalJs = 0;
for (const name of files.sort()) {
  const bytes = readFileSync(join(assets, name));
  const gzip = gzipSync(bytes, { level: 9 }).length;
  if (name.endsWith('.js')) totalJs += gzip;
  console.log(
    `${name.padEnd(36)} ${(bytes.length / 1024).toFixed(1).padStart(7)} KB  ${(gzip / 1024).toFixed(1).padStart(6)} KB gzip`,
  );
}
const verdict = totalJs <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(
  `JavaScript total: ${(totalJs / 1024).toFixed(1)} KB gzip (${verdict} the ${BUDGET_BYTES / 1024} KB budget)`,
);
process.exit(totalJs <= BUDGET_BYTES ? 0 : 1);
