import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CollectorProcess, killIfRunning, spawnCollector } from './helpers/spawn-collector.js';

const WARNING = /warning: listening on 0\.0\.0\.0 without FAULTLINE_TOKEN/;

let dir: string;
let proc: CollectorProcess | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-bind-'));
});
afterEach(async () => {
  await killIfRunning(proc);
  proc = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('binding beyond loopback', () => {
  it('listens on 127.0.0.1 by default and says nothing', async () => {
    proc = await spawnCollector(join(dir, 'a.db'));
    expect(proc.output()).toContain('http://127.0.0.1:');
    expect(proc.output()).not.toMatch(/warning/);
  });

  it('warns when bound to every interface without a token', async () => {
    proc = await spawnCollector(join(dir, 'b.db'), { FAULTLINE_HOST: '0.0.0.0' });
    // The warning is written right after the listeners are up; give stderr a moment to arrive.
    for (let i = 0; i < 40 && !WARNING.test(proc.output()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(proc.output()).toMatch(WARNING);
  });

  it('does not warn when a token guards it', async () => {
    proc = await spawnCollector(join(dir, 'c.db'), { FAULTLINE_HOST: '0.0.0.0', FAULTLINE_TOKEN: 's3cret' });
    const health = await fetch(`http://127.0.0.1:${proc.port}/api/services`);
    expect(health.status).toBe(401);
    expect(proc.output()).toContain('http://0.0.0.0:');
    expect(proc.output()).not.toMatch(/warning/);
  });
});
