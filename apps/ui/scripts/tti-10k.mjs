#!/usr/bin/env node
// Time to interactive of a 10,000-span trace in Chromium: starts a collector serving dist/, sends one
// failing trace of 10,001 spans over OTLP/HTTP JSON, opens /traces/<id> and measures, from navigation
// start, when the origin row is on screen and when the main thread is next idle. Then it times a
// keypress (`j`) and a scroll to the bottom until the next frame. Prints the median of a few runs.
// Usage: node scripts/tti-10k.mjs [runs=5]   (CHROMIUM_PATH overrides /usr/bin/chromium; PROFILE=1 prints the
// top self-time functions of the first load, PROFILE=out.cpuprofile also saves it; TRACE=out.json saves a
// Chromium trace with task and layout events)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { tenThousandSpanTrace } from './ten-thousand-span-trace.mjs';

const UI_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(UI_ROOT, '../collector/bin/faultline.js');
const RUNS = Number(process.argv[2] ?? 5);

if (!existsSync(join(UI_ROOT, 'dist/index.html'))) {
  console.error('Build the UI first: pnpm --filter @faultline/ui build');
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** With PROFILE=1: the functions with the most self time during the first page load. */
function printTopFunctions(profile) {
  const selfMs = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    selfMs.set(key, (selfMs.get(key) ?? 0) + profile.timeDeltas[i] / 1000);
  }
  for (const [key, ms] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${key}`);
}

/**
 * Serves dist/ (index.html for app paths) and answers the trace routes the page asks for from
 * `apiBodies`, keyed by the part of the path after /api/traces/<id> ('' for the whole trace).
 */
function serveFromMemory(distDir, apiBodies) {
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
  const server = createHttpServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path.startsWith('/api/traces/')) {
      const body = apiBodies[path.slice('/api/traces/'.length + 32)];
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const file = path.startsWith('/assets/') ? join(distDir, path) : join(distDir, 'index.html');
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'faultline-tti-'));
const [port, otlpHttpPort, otlpGrpcPort] = [await freePort(), await freePort(), await freePort()];
const collector = spawn(
  process.execPath,
  [
    BIN,
    '--db',
    join(dir, 'tti.db'),
    '--port',
    `${port}`,
    '--otlp-http-port',
    `${otlpHttpPort}`,
    '--otlp-grpc-port',
    `${otlpGrpcPort}`,
    '--ui-dir',
    join(UI_ROOT, 'dist'),
  ],
  { stdio: 'ignore' },
);
const base = `http://127.0.0.1:${port}`;
let browser;
try {
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 300) throw new Error('collector did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const trace = tenThousandSpanTrace();
  for (const batch of trace.batches) {
    const response = await fetch(`http://127.0.0.1:${otlpHttpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    if (!response.ok) throw new Error(`ingest answered ${response.status}`);
  }
  // The page asks for the outline first, then (a big trace) the origin span's details.
  const traceUrl = `${base}/api/traces/${trace.traceId}`;
  // Measured as a failure is opened from the failures page: once finalized, when the verdict the
  // outline serves is kept (a trace opened while its spans still arrive is diagnosed on the spot).
  for (let i = 0; ; i++) {
    const { groups } = await (await fetch(`${base}/api/failures`)).json();
    if (groups.length > 0) break;
    if (i > 200) throw new Error('the trace was never finalized');
    await new Promise((r) => setTimeout(r, 50));
  }
  const apiStart = performance.now();
  const outlineBody = await (await fetch(`${traceUrl}/outline`)).text();
  const apiMs = performance.now() - apiStart;
  const outline = JSON.parse(outlineBody);
  const apiBodies = {
    '/outline': outlineBody,
    [`/spans/${trace.originId}`]: await (await fetch(`${traceUrl}/spans/${trace.originId}`)).text(),
    '/logs': await (await fetch(`${traceUrl}/logs`)).text(),
    '': await (await fetch(traceUrl)).text(),
  };
  console.log(
    `trace ${trace.traceId}: ${outline.spanCount} spans stored, diagnosis origin ${outline.diagnosis?.originSpanId === trace.originId ? 'found' : 'NOT found'}; ` +
      `outline ${(outlineBody.length / 1e6).toFixed(2)} MB in ${apiMs.toFixed(0)} ms (warm-up), ` +
      `whole trace ${(apiBodies[''].length / 1e6).toFixed(1)} MB`,
  );

  browser = await chromium.launch({
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
  async function measureRuns(preloaded) {
    const results = [];
    for (let run = 0; run < RUNS; run++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // Record when the origin row first exists, then when the main thread is next idle, from navigation start.
      await page.addInitScript(() => {
        const marks = {};
        window.__tti = marks;
        new MutationObserver((_, observer) => {
          if (!document.querySelector('[data-testid="origin-span"]')) return;
          observer.disconnect();
          marks.originRowMs = performance.now();
          requestAnimationFrame(() =>
            setTimeout(() => {
              marks.paintedMs = performance.now();
            }),
          );
          requestIdleCallback(() => {
            marks.idleMs = performance.now();
            console.debug('faultline:tti-idle');
          });
        }).observe(document, { childList: true, subtree: true });
      });
      const profiler =
        process.env.PROFILE && run === 0 && !preloaded ? await page.context().newCDPSession(page) : undefined;
      if (profiler) {
        await profiler.send('Profiler.enable');
        await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
        await profiler.send('Profiler.start');
      }
      if (process.env.TRACE && run === 0 && !preloaded)
        await browser.startTracing(page, {
          path: process.env.TRACE,
          categories: [
            'toplevel',
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'v8',
            'blink',
            'blink.user_timing',
            'loading',
          ],
        });
      // CPU time of the page's main thread from here to idle: on a machine shared with other work, the
      // wall-clock marks include time the thread waited for a core; this does not.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      // Told by a console message, not by polling the page: waitForFunction would evaluate
      // Playwright's injected script and a check every frame on the main thread being measured.
      const idle = page.waitForEvent('console', {
        predicate: (message) => message.text() === 'faultline:tti-idle',
        timeout: 30_000,
      });
      await page.goto(`${preloaded ? memoryBase : base}/traces/${trace.traceId}`);
      await idle;
      const { metrics } = await cdp.send('Performance.getMetrics');
      const threadCpuMs = (metrics.find((m) => m.name === 'ThreadTime')?.value ?? Number.NaN) * 1000;
      if (process.env.TRACE && run === 0 && !preloaded) await browser.stopTracing();
      if (profiler) {
        const { profile } = await profiler.send('Profiler.stop');
        printTopFunctions(profile);
        // PROFILE=<file>.cpuprofile also keeps the whole profile (DevTools' Performance panel opens it).
        if (process.env.PROFILE.endsWith('.cpuprofile'))
          writeFileSync(process.env.PROFILE, JSON.stringify(profile));
      }
      const marks = await page.evaluate(() => {
        const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/traces/'));
        const mark = (name) => performance.getEntriesByName(`faultline:${name}`)[0]?.startTime;
        return {
          ...window.__tti,
          apiResponseEndMs: entry?.responseEnd,
          apiDurationMs: entry?.duration,
          parsedMs: mark('trace-parsed'),
          convertedMs: mark('trace-converted'),
          builtMs: mark('waterfall-built'),
          renderedMs: mark('trace-rendered'),
          rows: document.querySelectorAll('.waterfall-row').length,
        };
      });
      // A keypress moves the selection; time it to the next frame.
      const keyMs = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const start = performance.now();
            window.dispatchEvent(new KeyboardEvent('keydown', { key: 'k' }));
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start)));
          }),
      );
      const scrollMs = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const scroller = document.querySelector('.waterfall-scroll');
            const start = performance.now();
            scroller.scrollTop = 0;
            scroller.dispatchEvent(new Event('scroll'));
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start)));
          }),
      );
      results.push({ ...marks, keyMs, scrollMs, threadCpuMs });
      await page.close();
    }
    return results;
  }
  function report(title, results) {
    const pick = (key) => median(results.map((r) => r[key]));
    console.log(
      `\n${title} (median of ${RUNS} runs, ${results[0].rows} of ${trace.spanCount} rows in the DOM)`,
    );
    console.log(
      `API response received:        ${pick('apiResponseEndMs').toFixed(0)} ms after navigation start (request ${pick('apiDurationMs').toFixed(0)} ms)`,
    );
    console.log(`JSON read and parsed:         ${pick('parsedMs').toFixed(0)} ms`);
    console.log(`converted to domain types:    ${pick('convertedMs').toFixed(0)} ms`);
    console.log(`tree + waterfall model built: ${pick('builtMs').toFixed(0)} ms`);
    console.log(`first render committed:       ${pick('renderedMs').toFixed(0)} ms`);
    console.log(`origin row in the DOM:        ${pick('originRowMs').toFixed(0)} ms`);
    console.log(`first frame with it painted:  ${pick('paintedMs').toFixed(0)} ms`);
    console.log(
      `main thread idle (TTI):       ${pick('idleMs').toFixed(0)} ms   (render after the API answered: ${(pick('idleMs') - pick('apiResponseEndMs')).toFixed(0)} ms)`,
    );
    console.log(`main thread CPU until idle:   ${pick('threadCpuMs').toFixed(0)} ms`);
    console.log(`keypress j/k -> next frame:   ${pick('keyMs').toFixed(1)} ms`);
    console.log(`scroll to top -> next frame:  ${pick('scrollMs').toFixed(1)} ms`);
  }
  // A server answering the API from memory isolates the UI's own cost from the collector's.
  const memoryServer = await serveFromMemory(join(UI_ROOT, 'dist'), apiBodies);
  const memoryBase = `http://127.0.0.1:${memoryServer.address().port}`;
  report('against the collector', await measureRuns(false));
  report('API answer served from memory (the UI alone)', await measureRuns(true));
  memoryServer.close();
} finally {
  await browser?.close();
  collector.kill('SIGTERM');
  await new Promise((r) => collector.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
