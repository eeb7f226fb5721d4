import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { type CollectorProcess, startCollector } from './helpers/collector-process.js';
import { serviceSdk } from './helpers/service-sdk.js';
import { ensureUiBuilt } from './helpers/ui-build.js';

/*
 * Issue 21 in the browser: a failure group keyed by the code that broke lists the endpoints that
 * reached it, and a verdict lists what also happened (a Redis error the handler recovered from).
 * Spans go through the official OTLP exporter to a real collector; Chromium reads the built UI.
 */

let collector: CollectorProcess;
let browser: Browser;
const problems: string[] = [];
const under = (span: Span): Context => trace.setSpan(ROOT_CONTEXT, span);

beforeAll(async () => {
  await ensureUiBuilt();
  [collector, browser] = await Promise.all([startCollector(), launchChromium()]);
});

afterAll(async () => {
  await browser?.close();
  await collector?.stop();
});

/** `shop` answers 500 on `route`: its handler throws a TypeError from `lineTotal` in pricing.js. */
async function sendPricingFailure(route: string): Promise<string> {
  const shop = serviceSdk('shop', collector.otlpHttpPort);
  const t0 = Date.now() - 2000;
  const server = shop.tracer.startSpan(`GET ${route}`, {
    kind: SpanKind.SERVER,
    startTime: t0,
    attributes: { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': 500 },
  });
  const handler = shop.tracer.startSpan(
    `request handler - ${route}`,
    { kind: SpanKind.INTERNAL, startTime: t0 + 1, attributes: { 'http.route': route } },
    under(server),
  );
  const error = new TypeError("Cannot read properties of undefined (reading 'price')");
  error.stack = `TypeError: ${error.message}\n    at lineTotal (/srv/shop/src/pricing.js:12:17)\n    at /srv/shop/node_modules/express/lib/router/layer.js:95:5`;
  handler.recordException(error, t0 + 5);
  handler.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  handler.end(t0 + 6);
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(t0 + 8);
  await shop.flush();
  return server.spanContext().traceId;
}

/** `catalog` caught a refused Redis call, read the database instead, then answered 503 itself. */
async function sendHandledRedisFailure(): Promise<{ traceId: string; redisSpanId: string }> {
  const catalog = serviceSdk('catalog', collector.otlpHttpPort);
  const t0 = Date.now() - 2000;
  const server = catalog.tracer.startSpan('GET /products/:id', {
    kind: SpanKind.SERVER,
    startTime: t0,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/products/:id',
      'http.response.status_code': 503,
    },
  });
  const redis = catalog.tracer.startSpan(
    'get',
    {
      kind: SpanKind.CLIENT,
      startTime: t0 + 1,
      attributes: {
        'db.system': 'redis',
        'db.statement': 'get product:42',
        'net.peer.name': '127.0.0.1',
        'net.peer.port': 6379,
      },
    },
    under(server),
  );
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  redis.recordException(refused, t0 + 3);
  redis.setStatus({ code: SpanStatusCode.ERROR, message: refused.message });
  redis.end(t0 + 3);
  catalog.tracer
    .startSpan(
      'pg.query:SELECT shop',
      {
        kind: SpanKind.CLIENT,
        startTime: t0 + 4,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': 'SELECT * FROM products WHERE id = $1',
        },
      },
      under(server),
    )
    .end(t0 + 7);
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(t0 + 9);
  await catalog.flush();
  return { traceId: server.spanContext().traceId, redisSpanId: redis.spanContext().spanId };
}

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (error) => problems.push(`uncaught on ${path}: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error on ${path}: ${message.text()}`);
  });
  await page.goto(`${collector.baseUrl}${path}`);
  return page;
}

/** Polls `/api/failures` until `ready` holds for its groups. */
async function waitForGroups(ready: (groups: { originService: string; count: number }[]) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${collector.baseUrl}/api/failures`);
    if (response.status === 200 && ready(((await response.json()) as { groups: never[] }).groups)) return;
    if (Date.now() > deadline) throw new Error('the failures were not grouped within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('grouped by the code that broke, and what also happened', () => {
  it('shows one group for one frame reached through two endpoints, listing both', async () => {
    await sendPricingFailure('/orders/:id');
    await sendPricingFailure('/carts/:id');
    await waitForGroups((groups) => groups.some((g) => g.originService === 'shop' && g.count === 2));
    const page = await openPage('/');
    const card = page.getByTestId('failure-group').filter({ hasText: 'shop' });
    await card.getByTestId('group-endpoints').waitFor();
    expect(await card.count()).toBe(1);
    const endpoints = await card.getByTestId('group-endpoint').allTextContents();
    expect(endpoints.sort()).toEqual(['GET /carts/:id', 'GET /orders/:id']);
    await page.close();
  });

  it('names the 503 the handler answered as the verdict and lists the handled Redis error under also happened', async () => {
    const { traceId, redisSpanId } = await sendHandledRedisFailure();
    await waitForGroups((groups) => groups.some((g) => g.originService === 'catalog'));
    const page = await openPage(`/traces/${traceId}`);
    const verdict = page.getByTestId('verdict');
    await verdict.getByTestId('also-happened').waitFor();
    expect(await verdict.getByTestId('cause').textContent()).toMatch(/explicit|5xx/i);
    const item = verdict.getByTestId('also-happened-item');
    expect(await item.getAttribute('data-span-id')).toBe(redisSpanId);
    expect(await item.getByTestId('also-happened-handled').textContent()).toContain('upstream unreachable');
    await item.getByRole('button').click();
    await page.waitForURL(
      (url) => url.pathname === `/traces/${traceId}` && url.searchParams.get('span') === redisSpanId,
    );
    await page.close();
    expect(problems).toEqual([]);
  });
});
