import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WHOLE_TRACE_MAX_SPANS } from '../../src/trace/trace-loading.js';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector, UI_DIST } from './helpers/collector-process.js';
import { type BigFailure, sendBigFailure } from './helpers/send-big-failure.js';
import { XSS } from './helpers/send-failure.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

const ARTIFACTS = join(UI_DIST, '../test-artifacts');

let collector: CollectorProcess;
let browser: Browser;
let failure: BigFailure;
const problems: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector(), launchChromium()]);
  failure = await sendBigFailure(collector.otlpHttpPort, WHOLE_TRACE_MAX_SPANS + 500);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

/** A page that records the trace API requests it makes, console errors, uncaught exceptions and dialogs. */
async function openTrace(): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/api/traces/')) requests.push(path.slice(`/api/traces/${failure.traceId}`.length));
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${collector.baseUrl}/traces/${failure.traceId}`);
  return { page, requests };
}

describe(`a trace of more than ${WHOLE_TRACE_MAX_SPANS} spans`, () => {
  it('opens on its origin, with the exception and its stack trace, loading nothing but the outline', async () => {
    const { page, requests } = await openTrace();
    const origin = page.getByTestId('origin-span');
    await origin.waitFor();
    expect(await origin.getAttribute('data-span-id')).toBe(failure.originSpanId);
    expect(await page.getByTestId('waterfall').locator('.axis-title').textContent()).toContain(
      `${failure.spanCount} spans`,
    );
    const exception = page.getByTestId('exception');
    await exception.waitFor();
    expect(await exception.locator('[data-frame="app"]').first().textContent()).toContain(
      'orders-repo.js:14:18',
    );
    expect(await page.getByTestId('span-details').textContent()).toContain('failed to load order 42');
    expect(await page.getByTestId('verdict').textContent()).toContain('connection pool exhausted');
    await page.screenshot({ path: join(ARTIFACTS, '13-big-trace.png') });
    expect(requests).toEqual(['/outline']);
    await page.close();
  });

  it('fetches a span’s attributes when it is clicked, and renders markup in them as text', async () => {
    const { page, requests } = await openTrace();
    await page.getByTestId('origin-span').waitFor();
    // Back to the top of the waterfall, where the lookups are.
    await page.keyboard.press('k');
    await page.locator('.waterfall-scroll').evaluate((element) => {
      element.scrollTop = 0;
    });
    const payloadRow = page.locator(`[data-span-id="${failure.payloadSpanId}"]`);
    await payloadRow.waitFor();
    expect(await payloadRow.locator('.row-label').textContent()).toBe(XSS);
    await payloadRow.click();
    const details = page.getByTestId('span-details');
    await details.locator('.attributes').first().waitFor();
    const cells = await details.locator('.attributes td').allTextContents();
    expect(cells).toContain(XSS);
    expect(requests).toContain(`/spans/${failure.payloadSpanId}`);
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });

  it('steps through errors and back to the origin by keyboard, and marks the critical path', async () => {
    const { page } = await openTrace();
    await page.getByTestId('origin-span').waitFor();
    const selected = () => page.locator('.waterfall-row.selected').getAttribute('data-span-id');
    await page.keyboard.press('e');
    expect(await selected()).not.toBe(failure.originSpanId);
    await page.keyboard.press('o');
    expect(await selected()).toBe(failure.originSpanId);
    await page.keyboard.press('c');
    await page.locator('[data-critical="true"]').first().waitFor();
    expect(await page.getByTestId('origin-span').getAttribute('data-critical')).toBe('true');
    await page.close();
  });

  it('loads the logs when the Logs tab is opened, as text', async () => {
    const { page, requests } = await openTrace();
    await page.getByTestId('origin-span').waitFor();
    await page.getByRole('tab', { name: 'Logs (2)' }).click();
    // The origin's own logs are in its details already: wait for the tab's.
    await page.locator('.logs-panel').getByTestId('log-line').first().waitFor();
    expect(await page.locator('.logs-panel').textContent()).toContain(XSS);
    expect(requests).toContain('/logs');
    expect(await page.locator('img').count()).toBe(0);
    await page.close();
  });

  it('downloads the whole trace as JSON when asked', async () => {
    const { page } = await openTrace();
    await page.getByTestId('origin-span').waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download JSON' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`trace-${failure.traceId}.json`);
    const saved = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { spans: unknown[] };
    expect(saved.spans).toHaveLength(failure.spanCount);
    await page.close();
  });

  it('logged no console error, no uncaught exception and opened no dialog', () => {
    expect(problems).toEqual([]);
  });
});
