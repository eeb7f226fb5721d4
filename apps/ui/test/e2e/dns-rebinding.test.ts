import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector } from './helpers/collector-process.js';
import { sendPoolExhaustedFailure } from './helpers/send-failure.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

/**
 * DNS rebinding: once http://evil.example:<port> resolves to 127.0.0.1, a script on that origin is,
 * to the browser, same-origin with the collector. Chromium's `--host-resolver-rules` plays the
 * rebound DNS. The page is opened from the mapped name itself (so Chromium files it under the
 * loopback address space, as after a real rebind) and the attacker's script runs in it.
 */
let collector: CollectorProcess;
let browser: Browser;
let port: string;
let storedTraceId: string;

beforeAll(async () => {
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([
    startCollector(),
    launchChromium(['--host-resolver-rules=MAP evil.example 127.0.0.1']),
  ]);
  port = new URL(collector.baseUrl).port;
  storedTraceId = (await sendPoolExhaustedFailure(collector.otlpHttpPort)).traceId;
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

/** An OTLP/JSON file of one span under a fresh trace id, as /api/import takes it. */
function importFile(): { traceId: string; body: string } {
  const traceId = randomBytes(16).toString('hex');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const span = {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: 'planted by a rebound page',
    kind: 2,
    startTimeUnixNano: String(nowNs),
    endTimeUnixNano: String(nowNs + 1_000_000n),
    status: {},
  };
  const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'rebound' } }] };
  return {
    traceId,
    body: JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans: [span] }] }] }),
  };
}

/** What a script on `page` gets back from the collector's API, same-origin as far as it knows. */
function readAndImport(page: Page, body: string) {
  return page.evaluate(async (file) => {
    const list = await fetch('/api/traces?limit=50');
    const imported = await fetch('/api/import', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: file,
    });
    return { listStatus: list.status, listText: await list.text(), importStatus: imported.status };
  }, body);
}

async function stored(traceId: string): Promise<boolean> {
  return (await fetch(`${collector.baseUrl}/api/traces/${traceId}`)).status === 200;
}

describe('DNS rebinding in a real browser', () => {
  it('a page from evil.example rebound to 127.0.0.1 can neither read traces nor import one', async () => {
    const page = await browser.newPage();
    const evilOrigin = `http://evil.example:${port}`;
    await page.goto(`${evilOrigin}/`);
    expect(await page.evaluate(() => window.location.origin)).toBe(evilOrigin);
    const planted = importFile();
    const result = await readAndImport(page, planted.body);
    expect(result.listStatus).toBe(403);
    expect(result.listText).toContain('FL_ERR_HOST_NOT_ALLOWED');
    expect(result.listText).not.toContain(storedTraceId);
    expect(result.importStatus).toBe(403);
    expect(await stored(planted.traceId)).toBe(false);
    await page.close();
  });

  it.each(['127.0.0.1', 'localhost'])('the UI opened on http://%s still reads and imports', async (host) => {
    const page = await browser.newPage();
    await page.goto(`http://${host}:${port}/`);
    await page.getByText('orders').first().waitFor();
    const file = importFile();
    const result = await readAndImport(page, file.body);
    expect(result.listStatus).toBe(200);
    expect(result.listText).toContain(storedTraceId);
    expect(result.importStatus).toBe(200);
    expect(await stored(file.traceId)).toBe(true);
    await page.close();
  });
});
