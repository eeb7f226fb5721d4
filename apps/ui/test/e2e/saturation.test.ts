import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector } from './helpers/collector-process.js';
import { sendSaturatedCalleeFailure } from './helpers/send-saturated-failure.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

let collector: CollectorProcess;
let browser: Browser;
let failure: { traceId: string; pricingSpanId: string };
const problems: string[] = [];

beforeAll(async () => {
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector(), launchChromium()]);
  failure = await sendSaturatedCalleeFailure(collector.otlpHttpPort);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => problems.push(`uncaught on ${path}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${path}: ${message.text()}`);
  });
  await page.goto(`${collector.baseUrl}${path}`);
  return page;
}

describe('a saturated callee in the browser', () => {
  it('the failure card says its failure came with saturation, and the trace page highlights pricing blocked', async () => {
    const page = await openPage('/');
    const badge = page.getByTestId('group-saturation');
    await badge.waitFor({ timeout: 15_000 });
    expect(await badge.textContent()).toBe('all with a saturated process');

    await page.goto(`${collector.baseUrl}/traces/${failure.traceId}`);
    const rows = page.getByTestId('process-row');
    await rows.first().waitFor();
    expect(
      await rows.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-service'), e.getAttribute('data-saturated')]),
      ),
    ).toEqual([
      ['gateway', 'false'],
      ['pricing', 'true'],
    ]);
    const pricing = page.locator('[data-testid="process-row"][data-service="pricing"]');
    const loop = pricing.getByTestId('process-loop');
    expect(await loop.getAttribute('data-saturated')).toBe('true');
    expect(await loop.textContent()).toContain('max 1.4 s');
    expect(await pricing.getByTestId('process-cpu').getAttribute('data-saturated')).toBe('false');
    // Highlighted for a person too, not only in attributes: the saturated cell is drawn in another colour.
    const colours = await Promise.all(
      [loop, pricing.getByTestId('process-cpu')].map((l) =>
        l.evaluate((e) => getComputedStyle(e).backgroundColor),
      ),
    );
    expect(colours[0]).not.toBe(colours[1]);

    expect(await page.getByTestId('origin-service').textContent()).toBe('pricing');
    expect(await page.getByTestId('origin-span').getAttribute('data-span-id')).toBe(failure.pricingSpanId);
    expect(await page.getByTestId('verdict').textContent()).toContain(
      "pricing's event loop was blocked for 1.4 s",
    );
    expect(problems).toEqual([]);
  });
});
