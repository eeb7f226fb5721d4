import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector, UI_DIST } from './helpers/collector-process.js';
import { sendPoolExhaustedFailure } from './helpers/send-failure.js';
import { sendSuccessfulOrder } from './helpers/send-success.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

const ARTIFACTS = join(UI_DIST, '../test-artifacts');

let collector: CollectorProcess;
let browser: Browser;
let context: BrowserContext;
let failure: { traceId: string; originSpanId: string };
let success: { traceId: string };
const problems: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'faultline-ui-e2e-files-'));

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector(), launchChromium()]);
  // The clipboard needs the permission a person grants by using the page; headless Chromium asks none.
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  success = await sendSuccessfulOrder(collector.otlpHttpPort, { startMs: Date.now() - 60_000 });
  failure = await sendPoolExhaustedFailure(collector.otlpHttpPort);
  await waitFor(`${collector.baseUrl}/api/service-map`, (body: { edges: { errors: number }[] }) =>
    body.edges.some((e) => e.errors > 0),
  );
  await waitFor(`${collector.baseUrl}/api/failures`, (body: { groups: unknown[] }) => body.groups.length > 0);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Polls an API route until its answer satisfies `ready`: traces are counted once they are finalized. */
async function waitFor<T>(url: string, ready: (body: T) => boolean): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(url);
    if (response.status === 200 && ready((await response.json()) as T)) return;
    if (Date.now() > deadline) throw new Error(`${url} never got ready (last status ${response.status})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A page that records console errors, uncaught exceptions and dialogs. */
async function openPage(baseUrl: string, path: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${path}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${path}: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog on ${path}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${baseUrl}${path}`);
  return page;
}

const attributeOf = (page: Page, selector: string, name: string) =>
  page.locator(selector).evaluateAll((nodes, key) => nodes.map((n) => n.getAttribute(key)), name);

describe('investigating a failure beyond its trace', () => {
  it('opens the service map from the failing trace, with its failing path lit and the origin marked', async () => {
    const page = await openPage(collector.baseUrl, `/traces/${failure.traceId}`);
    await page.getByTestId('origin-span').waitFor();
    await page.getByTestId('show-on-map').click();
    await page.waitForURL(`**/map?trace=${failure.traceId}`);
    const origin = page.locator('[data-testid="map-node"][data-origin="true"]');
    await origin.waitFor();
    expect(await origin.getAttribute('data-node-id')).toBe('orders');
    expect(await origin.textContent()).toContain('ORIGIN');
    expect(await origin.textContent()).toContain('1 failure originated here');
    const lit = await attributeOf(page, '[data-testid="map-node"][data-highlighted="true"]', 'data-node-id');
    expect(lit.sort()).toEqual(['gateway', 'orders', 'postgresql']);
    const litEdges = await page
      .locator('[data-testid="map-edge"][data-highlighted="true"]')
      .evaluateAll((nodes) =>
        nodes.map((n) => `${n.getAttribute('data-source')}>${n.getAttribute('data-target')}`),
      );
    expect(litEdges.sort()).toEqual(['gateway>orders', 'orders>postgresql']);
    expect(
      await page.locator('[data-testid="map-node"][data-node-id="postgresql"]').getAttribute('data-kind'),
    ).toBe('database');
    expect(await page.getByTestId('map-trace-banner').textContent()).toContain(
      'gateway → orders → postgresql',
    );
    await page.screenshot({ path: join(ARTIFACTS, '8-map-trace.png'), fullPage: true });

    // A deep link survives a reload: the collector answers /map with the UI.
    await page.reload();
    await origin.waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(ARTIFACTS, '8-map-trace-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('link', { name: 'Clear' }).click();
    await page.waitForURL('**/map');
    expect(await page.locator('[data-highlighted="true"]').count()).toBe(0);
    expect(await page.getByTestId('map-edge-label').allTextContents()).toContain('2 calls1 error');
    await page.screenshot({ path: join(ARTIFACTS, '8-map.png'), fullPage: true });
    await page.close();
  });

  it('compares the failing request with the nearest successful one and links to it', async () => {
    const page = await openPage(collector.baseUrl, `/traces/${failure.traceId}`);
    await page.getByTestId('origin-span').waitFor();
    await page.getByRole('tab', { name: 'Compare with a successful request' }).click();
    const baseline = page.getByTestId('compare-baseline-link');
    await baseline.waitFor();
    expect(await baseline.getAttribute('href')).toBe(`/traces/${success.traceId}`);
    expect(await page.getByTestId('compare-missing').textContent()).toContain('pg.query:SELECT shop.orders');
    const slower = await page.getByTestId('compare-slower').allTextContents();
    expect(slower.some((row) => row.includes('pg-pool.connect'))).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '9-compare.png'), fullPage: true });
    await baseline.click();
    await page.waitForURL(`**/traces/${success.traceId}`);
    expect(await page.getByTestId('verdict').textContent()).toContain('This request did not fail');
    await page.close();
  });

  it('copies the incident report to the clipboard and downloads it as markdown', async () => {
    const expected = await (await fetch(`${collector.baseUrl}/api/traces/${failure.traceId}/report`)).text();
    expect(expected).toContain('pg-pool.connect');
    const page = await openPage(collector.baseUrl, `/traces/${failure.traceId}`);
    await page.getByTestId('origin-span').waitFor();
    await page.getByRole('button', { name: 'Copy report' }).click();
    await page.getByRole('button', { name: 'Copied ✓' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`incident-${failure.traceId}.md`);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(expected);
    await page.close();
  });

  it('marks the critical path on demand', async () => {
    const page = await openPage(collector.baseUrl, `/traces/${failure.traceId}`);
    await page.getByTestId('origin-span').waitFor();
    expect(await page.locator('[data-critical="true"]').count()).toBe(0);
    await page.getByRole('button', { name: /Critical path/ }).click();
    await page.locator('[data-critical="true"]').first().waitFor();
    // The request waited on the pool checkout, and on the middleware that ran before the call to orders.
    expect(await page.getByTestId('origin-span').getAttribute('data-critical')).toBe('true');
    const middleware = page.getByTestId('span-row').filter({ hasText: 'middleware - jsonParser' });
    expect(await middleware.getAttribute('data-critical')).toBe('true');
    await page.screenshot({ path: join(ARTIFACTS, '10-critical-path.png') });
    await page.close();
  });

  it('shows what the failure group’s requests have that successful ones do not', async () => {
    const page = await openPage(collector.baseUrl, '/');
    await page.getByTestId('failure-group').first().waitFor();
    await page.getByRole('button', { name: 'What differs' }).first().click();
    const row = page.getByTestId('over-represented').filter({ hasText: 'service.version' });
    await row.waitFor();
    expect(await row.textContent()).toBe('service.version = 1.4.2100%0%');
    await page.screenshot({ path: join(ARTIFACTS, '11-what-differs.png'), fullPage: true });
    await page.close();
  });

  it('imports an exported trace into a fresh collector and lands on its origin', async () => {
    const exported = await fetch(`${collector.baseUrl}/api/traces/${failure.traceId}/export`);
    const file = join(scratch, `trace-${failure.traceId}.json`);
    writeFileSync(file, await exported.text());
    const fresh = await startCollector();
    try {
      const page = await openPage(fresh.baseUrl, '/');
      await page.getByTestId('empty-failures').waitFor();
      // A wrong file first: the message says why, nothing is imported.
      const bad = join(scratch, 'notes.json');
      writeFileSync(bad, '{"resourceSpans": [');
      await page.getByTestId('import-input').setInputFiles(bad);
      const error = page.getByTestId('import-error');
      await error.waitFor();
      expect(await error.textContent()).toContain('notes.json is not valid JSON');
      await page.screenshot({ path: join(ARTIFACTS, '12-import-error.png') });

      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'Import OTLP JSON' }).click(),
      ]);
      await chooser.setFiles(file);
      await page.waitForURL(`**/traces/${failure.traceId}`);
      const origin = page.getByTestId('origin-span');
      await origin.waitFor();
      expect(await origin.getAttribute('data-span-id')).toBe(failure.originSpanId);
      expect(await page.getByTestId('verdict').textContent()).toContain('connection pool exhausted');
      expect(await error.count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, '12-imported.png') });
      await page.close();
    } finally {
      await fresh.stop();
    }
  });

  it('logged no console error, no uncaught exception and opened no dialog on any page', () => {
    expect(problems).toEqual([]);
  });
});
