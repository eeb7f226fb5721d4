import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
let siteDir: string;
beforeAll(async () => {
  // A UI folder with a file beside it that must stay private.
  siteDir = mkdtempSync(join(tmpdir(), 'faultline-site-'));
  mkdirSync(join(siteDir, 'ui'));
  writeFileSync(join(siteDir, 'ui', 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(siteDir, 'secret.txt'), 'TOP-SECRET');
  running = await startCollector({ uiDir: join(siteDir, 'ui') }, { requestTimeoutMs: 1000 });
});
afterAll(async () => {
  await running.stop();
  rmSync(siteDir, { recursive: true, force: true });
});

/** A raw GET whose path is sent exactly as written (no client-side normalisation). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hostile clients', () => {
  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/ui/../../secret.txt',
    '/%2e%2e%2fsecret.txt',
  ])('cannot read files outside the UI folder with %s', async (path) => {
    // The file is really there, so a pass means refused, not missing.
    expect(readFileSync(join(siteDir, 'secret.txt'), 'utf8')).toBe('TOP-SECRET');
    const { body } = await rawGet(running.port, path);
    expect(body).not.toContain('TOP-SECRET');
  });

  it('serves index.html for deep links so /traces/:id works on reload', async () => {
    const { status, body } = await rawGet(running.port, '/traces/4bf92f3577b34da6a3ce929d0e0e4736');
    expect(status).toBe(200);
    expect(body).toContain('<title>ui</title>');
  });

  it('serves the UI with a strict Content-Security-Policy and nosniff', async () => {
    const response = await fetch(`http://127.0.0.1:${running.port}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('cuts off a slowloris client that never finishes its headers', async () => {
    const socket = connect(running.otlpHttpPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write('POST /v1/traces HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 200);
    const closedAfterMs = await new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => {});
    });
    clearInterval(drip);
    expect(closedAfterMs).toBeLessThan(5000);
  });
});
