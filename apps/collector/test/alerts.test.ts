import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFailingOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let webhook: Server;
const received: Record<string, unknown>[] = [];
let running: RunningCollector;

beforeAll(async () => {
  webhook = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const address = webhook.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  running = await startCollector(
    { alertWebhook: `http://127.0.0.1:${port}/hook`, publicUrl: 'http://faultline.internal:8318' },
    { diagnosisQuietMs: 100 },
  );
});

afterAll(async () => {
  await running.stop();
  webhook.close();
});

describe('alert webhook', () => {
  it('posts once when a new failure group appears, with Slack-compatible text and a link to the trace', async () => {
    const first = await sendFailingOrdersRequest(running.otlpHttpPort, '1.0.0');
    await sendFailingOrdersRequest(running.otlpHttpPort, '1.0.0');
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Give a wrongly repeated alert the time to arrive before counting.
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toHaveLength(1);
    const alert = received[0]!;
    expect(alert).toMatchObject({
      event: 'new_failure_group',
      group: { originService: 'orders', cause: 'exception' },
    });
    expect([first.traceId, expect.anything()]).toContain(alert.traceId);
    expect(alert.text).toMatch(
      /^New failure: orders › .* http:\/\/faultline\.internal:8318\/traces\/[0-9a-f]{32}$/,
    );
  });
});
