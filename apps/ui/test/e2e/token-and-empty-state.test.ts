import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector, UI_DIST } from './helpers/collector-process.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

const ARTIFACTS = join(UI_DIST, '../test-artifacts');
const TOKEN = 'e2e-secret-token';

let collector: CollectorProcess;
let browser: Browser;

beforeAll(async () => {
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector({ FAULTLINE_TOKEN: TOKEN }), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

describe('a collector that requires a token, with no data yet', () => {
  it('asks for the token, keeps asking while it is wrong, then shows how to send data', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(collector.baseUrl);

    const prompt = page.getByRole('dialog');
    await prompt.waitFor();
    await prompt.getByLabel('API token').fill('wrong');
    await prompt.getByRole('button', { name: 'Save token' }).click();
    await prompt.waitFor();
    await prompt.getByLabel('API token').fill(TOKEN);
    await prompt.getByRole('button', { name: 'Save token' }).click();

    const empty = page.getByTestId('empty-failures');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('node --require @faultline/instrument/register app.js');
    expect(await empty.textContent()).toContain('http://127.0.0.1:4318');
    expect(await page.evaluate(() => localStorage.getItem('faultline.token'))).toBe(TOKEN);
    await page.screenshot({ path: join(ARTIFACTS, '6-empty.png') });

    await page.reload();
    await empty.waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
