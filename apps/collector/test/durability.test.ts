import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

let dir: string;
let proc: CollectorProcess | undefined;

afterEach(async () => {
  await killIfRunning(proc);
  proc = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Posts batches from `connections` concurrent loops until `stop()`; returns the trace ids whose
 * batch was answered 200 (each batch is one trace of two spans).
 */
function sustainIngest(port: number, connections: number) {
  const acknowledged: string[] = [];
  let running = true;
  const loops = Array.from({ length: connections }, async () => {
    while (running) {
      const spans = makeReadableSpans('durable');
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body: protobufBatch(spans),
        });
        if (response.status === 200) acknowledged.push(spans[0]!.spanContext().traceId);
        await response.arrayBuffer();
      } catch {
        // the collector died mid-request: this batch was never acknowledged
      }
    }
  });
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function expectAllAcknowledgedStored(dbPath: string, acknowledged: string[]) {
  const db = new Database(dbPath, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
  proc = await spawnCollector(dbPath);
  for (const traceId of acknowledged) {
    const response = await fetch(`http://127.0.0.1:${proc.port}/api/traces/${traceId}`);
    expect(response.status, `acknowledged trace ${traceId} is missing`).toBe(200);
    expect(((await response.json()) as { spans: unknown[] }).spans).toHaveLength(2);
  }
}

describe('nothing acknowledged is lost', () => {
  it('keeps every span answered 200 when the collector is killed with SIGKILL during sustained ingest', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-kill-'));
    const dbPath = join(dir, 'faultline.db');
    proc = await spawnCollector(dbPath);
    const load = sustainIngest(proc.otlpHttpPort, 4);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proc.child.kill('SIGKILL');
    await proc.exited;
    await load.stop();
    expect(load.acknowledged.length).toBeGreaterThan(20);
    await expectAllAcknowledgedStored(dbPath, load.acknowledged);
  });

  it('exits promptly on SIGTERM with every acknowledged span committed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-term-'));
    const dbPath = join(dir, 'faultline.db');
    proc = await spawnCollector(dbPath);
    const load = sustainIngest(proc.otlpHttpPort, 4);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = Date.now();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    await load.stop();
    await expectAllAcknowledgedStored(dbPath, load.acknowledged);
  });
});
