import diagnosticsChannel from 'node:diagnostics_channel';
import Fastify from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFastifyTracing } from './fastify-tracing.js';

const CHANNELS = [
  'tracing:fastify.request.handler:start',
  'tracing:fastify.request.handler:error',
  'fastify.initialization',
];
const subscribed = (): boolean[] => CHANNELS.map((name) => diagnosticsChannel.channel(name).hasSubscribers);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('installFastifyTracing', () => {
  it('subscribes to the handler and initialization channels, and its undo unsubscribes', () => {
    const uninstall = installFastifyTracing();
    expect(subscribed()).toEqual([true, true, true]);
    uninstall();
    expect(subscribed()).toEqual([false, false, false]);
  });

  it('on a failure of its own says so once on stderr and steps aside; the app answers as without it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const uninstall = installFastifyTracing();
    try {
      // A Fastify whose channel store no longer has the shape this module reads.
      const start = diagnosticsChannel.channel('tracing:fastify.request.handler:start');
      start.publish({ route: { url: '/x' } });
      start.publish({ route: { url: '/x' } });
      const app = Fastify();
      app.get('/throw', async () => {
        throw new Error('the app failed');
      });
      const response = await app.inject('/throw');
      expect(response.statusCode).toBe(500);
      expect(response.json()).toMatchObject({ message: 'the app failed' });
      const ours = stderr.mock.calls
        .map(([line]) => String(line))
        .filter((line) => line.startsWith('[faultline]'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/^\[faultline\] Fastify tracing failed and is switched off: /);
      expect(subscribed()).toEqual([false, false, false]);
    } finally {
      uninstall();
    }
  });
});
