/*
 * A proxy that drops `traceparent` between the demo's gateway and orders: the real services, the real
 * collector and real Chromium. The gateway's trace ends at its fetch (500, no server child); orders'
 * exception sits in a trace of its own. The verdict follows the call into orders' trace, the API keeps
 * the stitch as a span link, and the trace page links the call to the trace it continues in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The UI's own launch helper (system Chromium through playwright-core, the UI package's dependency).
import { launchChromium } from '../../ui/test/e2e/helpers/browser.js';
import { forwardFaultSetting } from '../src/fault-forwarding.js';
import { freePort } from '../src/free-port.js';
import { type Stack, startStack } from '../src/stack.js';
import { fetchTrace, traceIdOf } from './support/collector-api.js';
import { startTraceDroppingProxy, type TraceDroppingProxy } from './support/trace-dropping-proxy.js';

interface StitchedDiagnosis {
  originService: string;
  cause: string;
  summary: string;
  continuedIn?: { fromSpanId: string; traceId: string; spanId: string };
}

let stack: Stack;
let proxy: TraceDroppingProxy;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'faultline-stitch-test-'));
  const ports = await Promise.all(Array.from({ length: 7 }, freePort));
  const [collectorPort, otlpHttpPort, otlpGrpcPort, gatewayPort, ordersPort, legacyPort, closedPort] =
    ports as [number, number, number, number, number, number, number];
  proxy = await startTraceDroppingProxy(`http://127.0.0.1:${ordersPort}`);
  [stack, browser] = await Promise.all([
    startStack({
      ...{ collectorPort, otlpHttpPort, otlpGrpcPort, gatewayPort, ordersPort, legacyPort, closedPort },
      collectorDb: join(dataDir, 'collector.db'),
      ordersSqliteFile: join(dataDir, 'orders.sqlite'),
      gatewayOrdersUrl: proxy.url,
      logDir: dataDir,
    }),
    launchChromium(),
  ]);
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await proxy?.close();
  rmSync(dataDir, { recursive: true, force: true });
}, 20_000);

async function setFault(name: 'exception', rate: number): Promise<void> {
  const answer = await forwardFaultSetting(stack.serviceUrls, { name, rate });
  if (answer.statusCode !== 200) throw new Error(`cannot set ${name}: ${JSON.stringify(answer.body)}`);
}

async function diagnosisOf(traceId: string): Promise<StitchedDiagnosis | undefined> {
  return (
    ((await fetchTrace(stack.uiUrl, traceId))?.diagnosis as StitchedDiagnosis | null | undefined) ?? undefined
  );
}

describe('a call through a proxy that dropped traceparent', () => {
  it("is diagnosed in the callee's trace, kept as a span link, and linked from the trace page", async () => {
    await setFault('exception', 1);
    let callerTraceId: string;
    try {
      const response = await fetch(`${stack.gatewayUrl}/api/orders/1`);
      await response.arrayBuffer();
      expect(response.status).toBe(500);
      callerTraceId = traceIdOf(response);
    } finally {
      await setFault('exception', 0);
    }

    // The verdict the trace page shows is the finalizer's: wait for the stitched one there.
    let diagnosis: StitchedDiagnosis | undefined;
    await expect
      .poll(
        async () => {
          const outline = await fetch(`${stack.uiUrl}api/traces/${callerTraceId}/outline`);
          if (!outline.ok) return `outline answered ${outline.status}`;
          diagnosis =
            ((await outline.json()) as { diagnosis: StitchedDiagnosis | null }).diagnosis ?? undefined;
          return diagnosis ? `${diagnosis.originService} / ${diagnosis.cause}: ${diagnosis.summary}` : 'none';
        },
        { timeout: 15_000, interval: 200 },
      )
      .toMatch(/^orders \/ exception: /);
    const continued = diagnosis!.continuedIn!;
    expect(continued).toBeDefined();
    expect(continued.traceId).not.toBe(callerTraceId);

    // The callee's own trace says the same: orders threw.
    const callee = await diagnosisOf(continued.traceId);
    expect(callee).toMatchObject({ originService: 'orders', cause: 'exception' });
    expect(diagnosis!.summary).toContain(`reached it in trace ${continued.traceId}`);

    // The API: the same verdict, and the call carries a span link into the callee's root.
    const caller = await fetchTrace(stack.uiUrl, callerTraceId);
    expect(caller?.diagnosis).toMatchObject({ originService: 'orders', cause: 'exception' });
    const call = caller?.spans.find((s) => s.spanId === continued.fromSpanId) as
      | { service: string; kind: string; links: { traceId: string; spanId: string; attributes: object }[] }
      | undefined;
    expect(call).toMatchObject({ service: 'gateway', kind: 'CLIENT' });
    expect(call?.links).toContainEqual({
      traceId: continued.traceId,
      spanId: continued.spanId,
      attributes: expect.objectContaining({ 'faultline.link': 'stitched' }),
    });

    // The trace page: the call's row says where the trace continues, and the link opens it.
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(`${stack.uiUrl}traces/${callerTraceId}`);
      const link = page.getByTestId('continued-in-trace');
      await link.waitFor();
      expect(await link.textContent()).toContain(`continued in trace ${continued.traceId.slice(0, 8)}`);
      const row = page.locator(`[data-span-id="${continued.fromSpanId}"]`);
      expect(await row.getByTestId('continued-in-trace').count()).toBe(1);
      expect(await page.getByTestId('origin-service').textContent()).toContain('orders');
      await link.click();
      await page.waitForURL(`**/traces/${continued.traceId}`);
      const origin = page.getByTestId('origin-span');
      await origin.waitFor();
      expect(await origin.textContent()).toContain('orders');
      expect(await page.getByTestId('cause').textContent()).toMatch(/exception/i);
    } finally {
      await page.close();
    }
  }, 40_000);
});
