import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector, UI_DIST } from './helpers/collector-process.js';
import { sendPoolExhaustedFailure, XSS } from './helpers/send-failure.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

const ARTIFACTS = join(UI_DIST, '../test-artifacts');

let collector: CollectorProcess;
let browser: Browser;
let failure: { traceId: string; originSpanId: string };
let xssFailure: { traceId: string; originSpanId: string };
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector(), launchChromium()]);
  xssFailure = await sendPoolExhaustedFailure(collector.otlpHttpPort, {
    xss: true,
    startMs: Date.now() - 60_000,
  });
  failure = await sendPoolExhaustedFailure(collector.otlpHttpPort);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

/** A page that records console errors, uncaught exceptions and any dialog (an XSS payload that ran). */
async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${path}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught on ${path}: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog on ${path}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${collector.baseUrl}${path}`);
  return page;
}

/** `/api/failures` may still be missing from an older collector; wait for it rather than fail at once. */
async function waitForFailuresApi(): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${collector.baseUrl}/api/failures`);
    if (response.status === 200 && ((await response.json()) as { groups: unknown[] }).groups.length > 0)
      return;
    if (Date.now() > deadline) throw new Error(`/api/failures answered ${response.status} with no group`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('from the failures page to the line that broke', () => {
  it('shows the failure group, and one click opens the trace with the origin row and the cause in words', async () => {
    await waitForFailuresApi();
    const page = await openPage('/');
    const group = page.getByTestId('failure-group').first();
    await group.waitFor();
    const groupText = await group.textContent();
    expect(groupText).toContain('orders');
    expect(groupText).toContain('pg-pool.connect');
    expect(groupText).toContain('connection pool exhausted');
    await page.screenshot({ path: join(ARTIFACTS, '1-failures.png'), fullPage: true });

    await group.locator('.failure-title').click();
    await page.waitForURL(`**/traces/${failure.traceId}**`);
    const origin = page.getByTestId('origin-span');
    await origin.waitFor();
    expect(await origin.getAttribute('data-span-id')).toBe(failure.originSpanId);
    expect(await origin.textContent()).toContain('pg-pool.connect');
    expect(await origin.textContent()).toMatch(/origin/i);
    const verdict = await page.getByTestId('verdict').textContent();
    expect(verdict).toContain('orders');
    expect(verdict).toContain('connection pool exhausted');
    await page.screenshot({ path: join(ARTIFACTS, '2-trace.png') });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`trace-${failure.traceId}.json`);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { spans: unknown[] };
    expect(saved.spans).toHaveLength(6);

    await origin.click();
    const exception = page.getByTestId('exception');
    await exception.waitFor();
    expect(await exception.textContent()).toContain('timeout exceeded when trying to connect');
    expect(await exception.locator('[data-frame="app"]').first().textContent()).toContain(
      'orders-repo.js:14:18',
    );
    expect(await exception.locator('[data-frame="library"]').count()).toBeGreaterThan(0);

    await page.getByRole('tab', { name: /Logs/ }).click();
    const logs = page.getByTestId('log-line');
    await logs.first().waitFor();
    expect(await page.locator('.logs-panel').textContent()).toContain('failed to load order 42');
    await page.screenshot({ path: join(ARTIFACTS, '3-trace-logs.png') });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('tab', { name: 'Waterfall' }).click();
    await origin.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, '2-trace-dark.png') });
    await page.close();
  });

  it('finds traces by search and opens one from the duration scatter', async () => {
    const page = await openPage('/traces?errors=true');
    await page.getByTestId('trace-row').first().waitFor();
    expect(await page.getByTestId('trace-row').count()).toBe(2);
    await page.screenshot({ path: join(ARTIFACTS, '4-traces.png'), fullPage: true });
    await page.getByTestId('scatter-dot').first().click();
    await page.waitForURL(/\/traces\/[0-9a-f]{32}/);
    await page.getByTestId('origin-span').waitFor();
    await page.close();
  });

  it('renders a markup payload in a span name, an attribute and a log line as text, running nothing', async () => {
    const page = await openPage(`/traces/${xssFailure.traceId}`);
    await page.getByTestId('origin-span').waitFor();
    const payloadRow = page.getByTestId('span-row').filter({ hasText: XSS });
    expect(await payloadRow.count()).toBe(1);
    await page.getByTestId('span-row').filter({ hasText: 'request handler' }).click();
    expect(await page.getByTestId('span-details').textContent()).toContain(XSS);
    expect(await page.getByTestId('span-details').textContent()).toContain(XSS);
    await page.getByRole('tab', { name: /Logs/ }).click();
    expect(await page.locator('.logs-panel').textContent()).toContain(XSS);
    await page.screenshot({ path: join(ARTIFACTS, '5-xss.png') });
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });

  it('shows a new failure group on the home page without a reload', async () => {
    const page = await openPage('/');
    await page.getByTestId('failure-group').first().waitFor();
    const before = await page.getByTestId('failure-group').count();
    await sendPoolExhaustedFailure(collector.otlpHttpPort, { service: 'billing' });
    await page.getByTestId('failure-group').filter({ hasText: 'billing' }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('failure-group').count()).toBe(before + 1);
    await page.screenshot({ path: join(ARTIFACTS, '7-failures-two-groups.png') });
    await page.close();
  });

  it('logged no console error, no uncaught exception and opened no dialog on any page', () => {
    expect(problems).toEqual([]);
  });
});
