import { expect } from 'vitest';
import type { RunningCollector } from './start-collector.js';

/** GETs `url` from the collector's query API, expects a 200 and returns the parsed JSON. */
export async function getJson(running: RunningCollector, url: string) {
  const response = await running.collector.api.inject({ method: 'GET', url });
  expect(response.statusCode, url).toBe(200);
  return response.json();
}

/** Polls `probe` until it returns a value; fails after 10 s. */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
