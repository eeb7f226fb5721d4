import diagnosticsChannel from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installExpressTracing } from './express-tracing.js';

const CHANNELS = ['tracing:express.router.request:start', 'tracing:express.router.request:error'];
const subscribed = (): boolean[] => CHANNELS.map((name) => diagnosticsChannel.channel(name).hasSubscribers);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('installExpressTracing', () => {
  it("subscribes to router's request channel, and its undo unsubscribes", () => {
    const uninstall = installExpressTracing();
    expect(subscribed()).toEqual([true, true]);
    uninstall();
    expect(subscribed()).toEqual([false, false]);
  });

  it('on a failure of its own says so once on stderr and steps aside; the app answers as without it', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const uninstall = installExpressTracing();
    const app = express();
    app.get('/orders/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    const server = app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      // A router whose channel context no longer has the shape this module reads.
      const start = diagnosticsChannel.channel(CHANNELS[0]!);
      start.publish({ route: '/x' });
      start.publish({ route: '/x' });
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/orders/7`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ id: '7' });
      const ours = stderr.mock.calls
        .map(([line]) => String(line))
        .filter((line) => line.startsWith('[faultline]'));
      expect(ours).toHaveLength(1);
      expect(ours[0]).toMatch(/^\[faultline\] Express tracing failed and is switched off: /);
      expect(subscribed()).toEqual([false, false]);
    } finally {
      uninstall();
      server.close();
    }
  });
});
