import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeReadableSpans, protobufBatch } from './helpers/otlp-payloads.js';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

let dir: string | undefined;
let mounted: string | undefined;
let proc: CollectorProcess | undefined;

afterEach(async () => {
  await killIfRunning(proc);
  proc = undefined;
  if (mounted) execFileSync('umount', ['-l', mounted]);
  mounted = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ingest(port: number) {
  const spans = makeReadableSpans('faults');
  const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: protobufBatch(spans),
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    traceId: spans[0]!.spanContext().traceId,
  };
}

async function traceStatus(port: number, traceId: string) {
  return (await fetch(`http://127.0.0.1:${port}/api/traces/${traceId}`)).status;
}

describe('store faults', () => {
  it('answers 503 with Retry-After while another process holds the database locked, keeps serving queries, then recovers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-locked-'));
    const dbPath = join(dir, 'faultline.db');
    proc = await spawnCollector(dbPath);
    const before = await ingest(proc.otlpHttpPort);
    expect(before.status).toBe(200);

    const locker = new Database(dbPath);
    locker.exec('BEGIN EXCLUSIVE');
    const during = await ingest(proc.otlpHttpPort);
    expect(during.status).toBe(503);
    expect(Number(during.retryAfter)).toBeGreaterThan(0);
    expect(await traceStatus(proc.port, before.traceId)).toBe(200);

    locker.exec('ROLLBACK');
    locker.close();
    const after = await ingest(proc.otlpHttpPort);
    expect(after.status).toBe(200);
    expect(await traceStatus(proc.port, after.traceId)).toBe(200);
    expect(await traceStatus(proc.port, during.traceId)).toBe(404);
  });

  it('answers 503 when the disk is full, keeps serving queries, and recovers once space is freed', async (context) => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-full-'));
    const mount = join(dir, 'small');
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      context.skip('cannot mount a tmpfs here (needs root): disk-full behaviour not exercised');
    }
    mounted = mount;
    proc = await spawnCollector(join(mount, 'faultline.db'));
    const first = await ingest(proc.otlpHttpPort);
    expect(first.status).toBe(200);
    // Fill the rest of the filesystem so the next commit cannot grow the WAL or the database.
    const filler = join(mount, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(3 * 1024 * 1024));
    } catch {
      // ENOSPC: the filler took what was left, which is the point
    }
    let full = await ingest(proc.otlpHttpPort);
    for (let i = 0; i < 50 && full.status === 200; i++) full = await ingest(proc.otlpHttpPort);
    expect(full.status).toBe(503);
    expect(Number(full.retryAfter)).toBeGreaterThan(0);
    expect(await traceStatus(proc.port, first.traceId)).toBe(200);

    rmSync(filler);
    const recovered = await ingest(proc.otlpHttpPort);
    expect(recovered.status).toBe(200);
    expect(await traceStatus(proc.port, recovered.traceId)).toBe(200);
  });
});
