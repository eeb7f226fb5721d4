import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installHttpServerTracing } from './http-server-tracing.js';
import { OpenServerSpans } from './open-server-spans.js';
import { PresetIdGenerator } from './span-ids.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('installHttpServerTracing', () => {
  it('when ending a request span fails, says so once on stderr and the app answers as without it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const uninstall = installHttpServerTracing({
      tracer: trace.getTracer('test'),
      openServerSpans: new OpenServerSpans(),
      traceResponseHeader: false,
      // Every request is deferred, and deciding its trace as it ends throws.
      deferral: {
        ids: new PresetIdGenerator(),
        keepsAtCurrentShare: () => false,
        settleDeferredRoot: () => {
          throw new Error('sampler broke');
        },
        keepChosen: () => undefined,
        keepForCause: () => undefined,
      },
    });
    const server = http.createServer((_request, response) => {
      response.end('ok');
    });
    const closed: number[] = [];
    server.on('request', (_request, response: http.ServerResponse) => {
      response.on('close', () => closed.push(response.statusCode));
    });
    try {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      for (let i = 0; i < 3; i += 1) {
        const response = await fetch(`http://127.0.0.1:${port}/orders`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('ok');
      }
      await vi.waitFor(() => expect(closed).toHaveLength(3));
      // The app's own 'close' listeners ran, and the failure reached stderr once, not the app.
      expect(closed).toEqual([200, 200, 200]);
      const ours = stderr.mock.calls
        .map(([line]) => String(line))
        .filter((line) => line.startsWith('[faultline]'));
      expect(ours).toEqual([
        expect.stringMatching(
          /^\[faultline\] HTTP server tracing failed on a request's span: .*sampler broke/,
        ),
      ]);
    } finally {
      uninstall();
      server.close();
    }
  });
});
