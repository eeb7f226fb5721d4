import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from './harness/app-process.js';
import type { RunningCollector } from './harness/collector.js';
import { startCollector } from './harness/collector.js';
import { freePort } from './harness/free-port.js';
import { hasServerSpan } from './harness/trace-queries.js';

let collector: RunningCollector;

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  await collector?.stop();
});

function faultlineLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('[faultline]'));
}

describe('@faultline/instrument never hurts its host', () => {
  it('flushes on SIGTERM and lets the signal end the process promptly, as Node would', async () => {
    const app = await startApp('express-app.cjs', {
      // A long batch delay: only the SIGTERM flush can deliver the span in time.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    });
    const response = await app.get('/ok');
    const sentAt = Date.now();
    const exit = await app.stop('SIGTERM');
    expect(Date.now() - sentAt).toBeLessThan(2500);
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    await collector.waitForTrace(response.traceId!, hasServerSpan, 2000);
  });

  it('keeps serving while the collector is down, with no unhandled errors and at most one line about it', async () => {
    const deadPort = await freePort();
    const app = await startApp('express-app.cjs', {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${deadPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      },
    });
    try {
      for (let i = 0; i < 40; i += 1) {
        const response = await app.get(i % 2 === 0 ? '/ok' : '/explicit-500');
        expect(response.status).toBe(i % 2 === 0 ? 200 : 500);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      expect(faultlineLines(app.stderr()).length).toBeLessThanOrEqual(1);
      const otherLines = app
        .stderr()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('[faultline]'));
      expect(otherLines).toEqual([]);
    } finally {
      await app.stop();
    }
  });

  it('keeps serving, uninstrumented or with defaults, when the environment holds nonsense', async () => {
    const app = await startApp('express-app.cjs', {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: '::not a url::',
        OTEL_BSP_MAX_QUEUE_SIZE: '-5',
        OTEL_TRACES_SAMPLER: 'sometimes',
        FAULTLINE_CAPTURE_CONSOLE: 'maybe',
        FAULTLINE_SHUTDOWN_TIMEOUT_MS: 'soon',
      },
    });
    try {
      expect((await app.get('/ok')).status).toBe(200);
      expect((await app.get('/throw')).status).toBe(500);
    } finally {
      await app.stop();
    }
  });

  it('stays off with one line when start() is given a bad option, and the app serves as usual', async () => {
    const app = await startApp('programmatic-app.cjs', {
      preload: 'none',
      env: { FAULTLINE_TEST_OPTIONS: JSON.stringify({ serviceName: 42, sampleRate: 2 }) },
    });
    try {
      const response = await app.get('/');
      expect(JSON.parse(response.body)).toEqual({ started: false });
      expect(faultlineLines(app.stderr())).toEqual([
        '[faultline] not started: option "serviceName" must be a non-empty string, got 42. The app runs without instrumentation.',
      ]);
    } finally {
      await app.stop();
    }
  });

  it('starts from code with start() and exports like the preload does', async () => {
    const app = await startApp('programmatic-app.cjs', {
      preload: 'none',
      env: {
        FAULTLINE_TEST_OPTIONS: JSON.stringify({ serviceName: 'from-code', endpoint: collector.otlpHttpUrl }),
      },
    });
    try {
      const response = await app.get('/');
      expect(JSON.parse(response.body)).toEqual({ started: true });
      const trace = await collector.waitForTrace(response.traceId!, hasServerSpan);
      expect(trace.spans[0]!.resource['service.name']).toBe('from-code');
    } finally {
      await app.stop();
    }
  });
});
