import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess, ExitInfo } from './harness/app-process.js';
import { randomHex, startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { exceptionEvents, hasServerSpan, serverSpan } from './harness/trace-queries.js';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.stop();
});

/** Starts the plain http app, requests `route` (which kills it) and returns how it died. */
async function crash(route: string, options: { instrumented: boolean; nodeOptions?: string }) {
  const app: AppProcess = await startApp('http-app.cjs', {
    preload: options.instrumented ? 'faultline-require' : 'none',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'orders-http',
      NODE_OPTIONS: options.nodeOptions,
    },
  });
  const traceId = randomHex(16);
  const answered = await app.get(route, { traceId, timeoutMs: 2000 }).then(
    () => true,
    () => false,
  );
  const exit: ExitInfo = await Promise.race([
    app.exited,
    new Promise<ExitInfo>((resolve) => setTimeout(() => resolve({ code: null, signal: null }), 4000)),
  ]);
  await app.stop('SIGKILL');
  return { answered, exit, stderr: app.stderr(), traceId };
}

/**
 * The lines of Node's crash report that name the error, without stack frames and the source excerpt
 * above them: instrumentation adds frames, and the HTTP instrumentation rethrows a handler's error,
 * so Node's excerpt points at that rethrow (as it does under plain OpenTelemetry).
 */
function crashHeadline(stderr: string): string[] {
  return stderr.split('\n').filter((line) => /^(\w*Error\b|Node\.js v)/.test(line));
}

describe('a plain node:http app started with --require @faultline/instrument/register', () => {
  it('marks a 500 written with writeHead as an ERROR server span and answers with traceresponse', async () => {
    const app = await startApp('http-app.cjs', {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: 'orders-http' },
    });
    try {
      const response = await app.get('/explicit-500');
      expect(response.status).toBe(500);
      const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
      expect(serverSpan(trace)!.status.code).toBe('ERROR');
    } finally {
      await app.stop();
    }
  });

  it('still crashes on a throwing handler as Node would (same exit code and report), and delivers the trace', async () => {
    const plain = await crash('/throw', { instrumented: false });
    const instrumented = await crash('/throw', { instrumented: true });
    expect(plain.exit).toEqual({ code: 1, signal: null });
    expect(instrumented.exit).toEqual(plain.exit);
    expect(instrumented.answered).toBe(false);
    expect(crashHeadline(instrumented.stderr)).toEqual(crashHeadline(plain.stderr));
    const trace = await collector.waitForTrace(instrumented.traceId, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(server.status.code).toBe('ERROR');
    expect(exceptionEvents(server)[0]?.attributes['exception.type']).toBe('TypeError');
    // The process it took down is described as it went (process-sampler.ts).
    expect(server.attributes['faultline.process.window_ms']).toEqual(expect.any(Number));
    expect(server.attributes['faultline.process.heap.used_bytes']).toEqual(expect.any(Number));
  });

  it('still crashes on an unhandled rejection as Node would, and ends the request span it left open', async () => {
    const plain = await crash('/reject', { instrumented: false });
    const instrumented = await crash('/reject', { instrumented: true });
    expect(plain.exit.code).toBe(1);
    expect(instrumented.exit).toEqual(plain.exit);
    expect(crashHeadline(instrumented.stderr)).toEqual(crashHeadline(plain.stderr));
    const trace = await collector.waitForTrace(instrumented.traceId, hasServerSpan);
    const server = serverSpan(trace)!;
    expect(server.status.code).toBe('ERROR');
    expect(exceptionEvents(server)[0]?.attributes['exception.message']).toBe(
      'unhandled rejection in a handler',
    );
    expect(server.attributes['faultline.process.eventloop.delay_max_ms']).toEqual(expect.any(Number));
  });

  it('respects --unhandled-rejections=warn: the process lives on, as it would without Faultline', async () => {
    const result = await crash('/reject', { instrumented: true, nodeOptions: '--unhandled-rejections=warn' });
    expect(result.exit).toEqual({ code: null, signal: null });
    expect(result.stderr).toContain('unhandled rejection in a handler');
  });
});
