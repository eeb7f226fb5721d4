import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Attributes, Span } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { oldGenerationLimitBytes } from './heap-limit.js';
import { ProcessSampler } from './process-sampler.js';
import { PROCESS_ATTRIBUTES as A } from './process-window.js';

const samplers: ProcessSampler[] = [];
afterEach(() => {
  for (const sampler of samplers.splice(0)) sampler.stop();
  vi.restoreAllMocks();
});

async function started(): Promise<ProcessSampler> {
  const sampler = new ProcessSampler();
  samplers.push(sampler);
  sampler.start();
  await until(() => sampler.read(0) !== undefined);
  return sampler;
}

async function until(condition: () => boolean, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Synchronous work: nothing else runs meanwhile.
  }
}

/** A span that records what is set on it. */
function recordingSpan(): Span & { attributes: Attributes } {
  const attributes: Attributes = {};
  return {
    attributes,
    setAttributes(values: Attributes) {
      Object.assign(attributes, values);
      return this;
    },
  } as unknown as Span & { attributes: Attributes };
}

describe('ProcessSampler', () => {
  it('shows a stall that has just ended on a span ending in the same turn, before any timer ran', async () => {
    const sampler = await started();
    await new Promise((resolve) => setTimeout(resolve, 50));
    blockFor(400);
    const picture = sampler.read(2)!;
    expect(picture[A.delayMaxMs]).toBeGreaterThanOrEqual(300);
    expect(picture[A.activeRequests]).toBe(2);
  });

  it('keeps a stall in the window after it has been sampled, and lets it go a few seconds later', async () => {
    const sampler = await started();
    blockFor(300);
    // Wait for the sample that closes the interval with the stall in it, then for quiet live time.
    await until(() => (sampler.read(0)![A.windowMs] as number) >= 1000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sampler.read(0)![A.delayMaxMs]).toBeGreaterThanOrEqual(200);
    // Three more quiet samples push it out of the window.
    await until(() => (sampler.read(0)![A.delayMaxMs] as number) < 100, 6000);
    const quiet = sampler.read(0)!;
    expect(quiet[A.windowMs]).toBeGreaterThanOrEqual(3000);
    expect(quiet[A.windowMs]).toBeLessThanOrEqual(4500);
  }, 15_000);

  it('reads CPU and loop utilisation of a busy stretch, and the heap against its limit', async () => {
    const sampler = await started();
    const end = performance.now() + 600;
    // Busy but not blocked: short slices of work, the loop turning between them.
    await new Promise<void>((resolve) => {
      const slice = () => {
        blockFor(20);
        if (performance.now() < end) setImmediate(slice);
        else resolve();
      };
      slice();
    });
    const picture = sampler.read(0)!;
    expect(picture[A.loopUtilization]).toBeGreaterThan(0.5);
    expect(picture[A.cpuUtilization]).toBeGreaterThan(0.2);
    expect(picture[A.delayMaxMs]).toBeLessThan(400);
    expect(picture[A.heapLimitBytes]).toBe(oldGenerationLimitBytes());
    expect(picture[A.heapUsedBytes]).toBeGreaterThan(0);
    expect(picture[A.heapUsedBytes]).toBeLessThan(picture[A.heapLimitBytes] as number);
    expect(picture[A.rssBytes]).toBeGreaterThan(picture[A.heapUsedBytes] as number);
    expect(picture[A.cpuCount]).toBeGreaterThanOrEqual(1);
    // GC pauses are observed only once the heap is half full; this one is nowhere near.
    expect(A.gcPauseMs in picture).toBe(false);
  });

  it('tells which requests were caught in a stall of half a second or more, at most 64 per stall', async () => {
    const sampler = await started();
    const wallNow = () => performance.timeOrigin + performance.now();
    await new Promise((resolve) => setTimeout(resolve, 150));
    const before = wallNow();
    blockFor(300);
    // Too short a stall to keep anything for it.
    expect(sampler.caughtInStall(before, wallNow())).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const waiting = wallNow();
    blockFor(700);
    // Seen in the same turn the stall ended, before any timer ran: a request that waited through it,
    // and one read just after it (its bytes arrived during it), are both caught.
    expect(sampler.caughtInStall(waiting, wallNow())).toBe(true);
    expect(sampler.caughtInStall(wallNow(), wallNow())).toBe(true);
    const caught = Array.from({ length: 70 }, () => sampler.caughtInStall(waiting, wallNow()));
    expect(caught.filter(Boolean)).toHaveLength(62);
    // Once the backlog has drained, a new request was not caught in anything.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(sampler.caughtInStall(wallNow(), wallNow())).toBe(false);
  });

  it('reads the heap afresh for every span, even within the reuse of a picture just read', async () => {
    const sampler = await started();
    const first = sampler.read(1)!;
    const held: number[][] = [];
    for (let i = 0; i < 40; i++) held.push(new Array(100_000).fill(i));
    const second = sampler.read(2)!;
    // The rest of the picture is the one just read; the heap holds the 32 MB allocated since.
    expect(second[A.windowMs]).toBe(first[A.windowMs]);
    expect(second[A.activeRequests]).toBe(2);
    expect((second[A.heapUsedBytes] as number) - (first[A.heapUsedBytes] as number)).toBeGreaterThan(16e6);
    expect(held).toHaveLength(40);
  });

  it('puts the picture on the span it describes, and nothing once stopped', async () => {
    const sampler = await started();
    const span = recordingSpan();
    sampler.describe(span, 1);
    expect(Object.keys(span.attributes).sort()).toEqual(
      Object.values(A)
        .filter((name) => name !== A.gcPauseMs)
        .sort(),
    );
    sampler.stop();
    const later = recordingSpan();
    sampler.describe(later, 1);
    expect(later.attributes).toEqual({});
  });

  it('steps aside after one warning when reading the process fails, and never throws into the app', async () => {
    const sampler = await started();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.memoryUsage, 'rss').mockImplementation(() => {
      throw new Error('EMFILE: too many open files');
    });
    // Past the reuse of a picture just read.
    await new Promise((resolve) => setTimeout(resolve, 80));
    const span = recordingSpan();
    expect(() => sampler.describe(span, 1)).not.toThrow();
    expect(() => sampler.describe(span, 1)).not.toThrow();
    expect(span.attributes).toEqual({});
    const lines = stderr.mock.calls
      .map(([line]) => String(line))
      .filter((line) => line.includes('process picture'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('EMFILE');
    expect(sampler.read(0)).toBeUndefined();
  });

  it('never keeps a process alive: a script that only starts it exits by itself', async () => {
    // vitest runs in this package's folder; the global setup has built dist/ from the sources.
    const built = path.resolve('dist/process-sampler.js');
    const script = `const { ProcessSampler } = require(${JSON.stringify(built)});
      const sampler = new ProcessSampler();
      sampler.start();
      setTimeout(() => console.log(JSON.stringify(sampler.read(0))), 1200);`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the process did not exit by itself'));
      }, 10_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)[A.windowMs]).toBeGreaterThanOrEqual(1000);
  });
});
