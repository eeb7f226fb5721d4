// Screenshots for docs/getting-started.md, taken from a running `pnpm demo` (or any collector with
// failures): the failures page, one trace with its origin, its failing path on the service map, and
// the traces search.
// Usage: node apps/ui/scripts/docs-screenshots.mjs [http://127.0.0.1:8318] (writes docs/images/*.png)
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:8318';
const out = join(dirname(fileURLToPath(import.meta.url)), '../../../docs/images');
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  await page.goto(`${base}/`);
  await page.getByTestId('failure-group').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'failures.png') });

  await page.getByTestId('failure-group').first().locator('.failure-title').click();
  await page.getByTestId('origin-span').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'trace.png') });

  await page.getByTestId('show-on-map').click();
  await page.getByTestId('service-map').waitFor({ timeout: 15_000 });
  await page.locator('[data-testid="map-node"][data-origin="true"]').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'map.png') });

  await page.goto(`${base}/traces?errors=true`);
  await page.getByTestId('trace-row').first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(out, 'traces.png') });
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
}
