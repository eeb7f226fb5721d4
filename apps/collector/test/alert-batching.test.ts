import { createServer, type Server } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookPost } from '../src/alerts/webhook-alerter.js';
import { HOSTILE, sendHostileFailingRequest } from './helpers/hostile-trace.js';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

const INTERVAL_MS = 300;

interface Webhook {
  posts: { body: WebhookPost; atMs: number }[];
  url: string;
  server: Server;
}

async function startWebhook(): Promise<Webhook> {
  const posts: Webhook['posts'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      posts.push({ body: JSON.parse(body), atMs: Date.now() });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { posts, url: `http://127.0.0.1:${port}/hook`, server };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let running: RunningCollector | undefined;
let webhook: Webhook | undefined;

async function start(): Promise<{ running: RunningCollector; webhook: Webhook }> {
  webhook = await startWebhook();
  running = await startCollector(
    { alertWebhook: webhook.url, publicUrl: 'http://faultline.internal:8318' },
    { diagnosisQuietMs: 100, alertIntervalMs: INTERVAL_MS },
  );
  return { running, webhook };
}

afterEach(async () => {
  await running?.stop();
  webhook?.server.close();
});

describe('webhook alerts', () => {
  it('escape &, < and > in every data-derived part of the Slack text, and keep one alert on one line', async () => {
    const { running, webhook } = await start();
    await sendHostileFailingRequest(running.otlpHttpPort);
    await waitFor(() => webhook.posts.length > 0, 'the alert');
    const post = webhook.posts[0]!.body;
    expect(post.event).toBe('new_failure_group');
    expect(post.group?.originService).toBe(`orders ${HOSTILE}`);
    const text = post.text;
    // Slack reads <…> as mentions and links: none may come from data.
    expect(text).not.toMatch(/[<>]/);
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;http://evil.example|click&gt;');
    expect(text).toContain('&amp;amp;');
    expect(text).not.toMatch(/[\r\n]/);
    expect(text).toMatch(
      /^New failure: orders x # heading .* http:\/\/faultline\.internal:8318\/traces\/[0-9a-f]{32}$/,
    );
  });

  it('batch 500 new failure groups into a bounded number of posts that list them or count the rest', async () => {
    const { running, webhook } = await start();
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'orders' }),
      spanProcessors: [new SimpleSpanProcessor(memory)],
    });
    const tracer = provider.getTracer('flood');
    // Group identity ignores numbers in messages, not in routes: each route is its own group.
    for (let i = 0; i < 500; i++) {
      const span = tracer.startSpan(`GET /route-${i}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.route': `/route-${i}`, 'http.response.status_code': 500 },
      });
      span.recordException(new Error(`route ${i} failed <!channel>`));
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    const startedMs = Date.now();
    const response = await fetch(`http://127.0.0.1:${running.otlpHttpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: protobufBatch(memory.getFinishedSpans()),
    });
    expect(response.status).toBe(200);
    const accounted = () =>
      webhook.posts.reduce((sum, { body }) => sum + (body.alerts?.length ?? 0) + (body.more ?? 0), 0);
    await waitFor(() => accounted() >= 500, 'every group to be listed or counted');
    expect(accounted()).toBe(500);

    const posts = webhook.posts.map((p) => p.body);
    // A post leaves at most once per interval, and arrives after it left: a bound that needs no timing.
    const lastArrivalMs = webhook.posts.at(-1)!.atMs;
    expect(posts.length).toBeLessThanOrEqual(1 + Math.floor((lastArrivalMs - startedMs) / INTERVAL_MS));
    expect(posts.length).toBeLessThan(100);
    const listed = new Set<string>();
    for (const post of posts) {
      expect(post.alerts.length).toBeLessThanOrEqual(20);
      for (const alert of post.alerts) listed.add(alert.group.originOperation);
      for (const alert of post.alerts) expect(post.text).toContain(alert.text);
      if (post.more > 0) expect(post.text).toContain(`+${post.more} more`);
      expect(post.text).not.toMatch(/[<>]/);
    }
    expect(listed.size).toBe(posts.reduce((sum, post) => sum + post.alerts.length, 0));
  });
});
