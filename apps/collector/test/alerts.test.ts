import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendFailingOrdersRequest, sendOrdersRequest } from './helpers/send-failing-request.js';
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
    // Alerts after the first post at most every 100 ms (default 10 s), so the marker below comes soon.
    { diagnosisQuietMs: 100, alertIntervalMs: 100 },
  );
});

afterAll(async () => {
  await running.stop();
  webhook.close();
});

interface ReceivedAlert {
  event: string;
  group: { originService: string };
}

/** Every alert posted so far, in order, batched posts unpacked. */
function alertsReceived(): ReceivedAlert[] {
  return received.flatMap((post) => post['alerts'] as ReceivedAlert[]);
}

/** Failure groups' trace counts by origin service. */
async function groupCounts(): Promise<Map<string, number>> {
  const answer = await running.collector.api.inject({ method: 'GET', url: '/api/failures' });
  const groups = answer.json().groups as { originService: string; count: number }[];
  return new Map(groups.map((group) => [group.originService, group.count]));
}

/** Polls `check` until it holds; fails after 10 s. */
async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after 10 s: ${check}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('alert webhook', () => {
  it('posts once when a new failure group appears, with Slack-compatible text and a link to the trace', async () => {
    const first = await sendFailingOrdersRequest(running.otlpHttpPort, '1.0.0');
    await sendFailingOrdersRequest(running.otlpHttpPort, '1.0.0');
    await until(() => alertsReceived().length >= 1);
    // A marker: a failure in another service, sent once both orders failures are counted in their group.
    // Its alert comes after any alert the second orders failure could have raised.
    await until(async () => (await groupCounts()).get('orders') === 2);
    await sendOrdersRequest(running.otlpHttpPort, '1.0.0', true, 'billing');
    await until(() => alertsReceived().some((alert) => alert.group.originService === 'billing'));
    expect(alertsReceived().map((alert) => [alert.event, alert.group.originService])).toEqual([
      ['new_failure_group', 'orders'],
      ['new_failure_group', 'billing'],
    ]);
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
