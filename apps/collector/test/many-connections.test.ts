import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protobufBatch } from './helpers/otlp-payloads.js';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

const MiB = 1024 * 1024;
const CLIENTS = 300;
/** What each client sends of a 16 MiB body before going quiet: 1.2 GB between them if all were held. */
const SENT_PER_CLIENT = 4 * MiB;

let dir: string;
let proc: CollectorProcess | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-conns-'));
  proc = await spawnCollector(join(dir, 'faultline.db'));
});
afterAll(async () => {
  await killIfRunning(proc);
  rmSync(dir, { recursive: true, force: true });
});

/** The peak resident memory of a process, from /proc (VmHWM), in bytes. */
function peakRssBytes(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error('no VmHWM in /proc status');
  return Number(match[1]) * 1024;
}

/**
 * Opens a connection, declares a 16 MiB OTLP body, writes `SENT_PER_CLIENT` of it and stays open.
 * Resolves with what the collector answered before the body was complete (or '' if nothing).
 */
function stallingUpload(port: number): { socket: Socket; answered: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
  socket.on('error', () => {});
  socket.once('connect', () => {
    socket.write(
      `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${16 * MiB}\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, 0x0a);
    let sent = 0;
    const pump = () => {
      while (sent < SENT_PER_CLIENT && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
  const answered = new Promise<string>((resolve) => {
    socket.once('close', () => resolve(answer));
    setTimeout(() => resolve(answer), 8000).unref();
  });
  return { socket, answered };
}

describe('many concurrent connections', () => {
  it('do not exhaust memory: bodies beyond the in-flight budget are refused with 503, and ingest carries on', async () => {
    const running = proc!;
    const uploads = Array.from({ length: CLIENTS }, () => stallingUpload(running.otlpHttpPort));
    const answers = await Promise.all(uploads.map((u) => u.answered));

    // The clients that did not fit were told to come back later, not silently held.
    const refused = answers.filter((a) => a.startsWith('HTTP/1.1 503'));
    expect(refused.length).toBeGreaterThan(CLIENTS / 2);
    expect(refused.every((a) => /\r\nretry-after: \d+\r\n/i.test(a))).toBe(true);
    // 1.2 GB was sent at it; what it held stays near its budget (64 MiB) plus its own working set.
    expect(peakRssBytes(running.child.pid!)).toBeLessThan(400 * MiB);

    // The API answered throughout, and once the stalled clients go, a normal export is stored.
    expect((await fetch(`http://127.0.0.1:${running.port}/healthz`)).status).toBe(200);
    for (const upload of uploads) upload.socket.destroy();
    const ingest = await fetch(`http://127.0.0.1:${running.otlpHttpPort}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: protobufBatch(),
    });
    expect(ingest.status).toBe(200);
    expect(running.child.exitCode).toBeNull();
  });
});
