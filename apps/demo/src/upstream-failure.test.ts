import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { classifyFetchError } from './upstream-failure.js';

/** The error a real `fetch` rejects with for `url` and `init`. */
async function fetchError(url: string, init: RequestInit = {}): Promise<unknown> {
  try {
    const response = await fetch(url, init);
    await response.arrayBuffer();
  } catch (error) {
    return error;
  }
  throw new Error(`fetch ${url} did not fail`);
}

describe('classifyFetchError', () => {
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Accepts connections and never answers: an upstream that hangs.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });

  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  it('answers 502 with the socket error code when the connection is refused', async () => {
    const error = await fetchError(`http://127.0.0.1:${await freePort()}/orders/1`);
    expect(classifyFetchError(error)).toMatchObject({ statusCode: 502, code: 'ECONNREFUSED' });
    expect(classifyFetchError(error).message).toMatch(/^upstream unreachable: .*ECONNREFUSED/);
  });

  it('answers 504 when the call runs past its AbortSignal.timeout', async () => {
    const error = await fetchError(silentUrl, { signal: AbortSignal.timeout(50) });
    expect(classifyFetchError(error)).toEqual({
      statusCode: 504,
      code: 'TimeoutError',
      message: 'upstream did not answer in time',
    });
  });

  it('answers 502 for anything else, keeping what is known', () => {
    expect(classifyFetchError(new Error('boom'))).toEqual({
      statusCode: 502,
      code: 'UNKNOWN',
      message: 'upstream unreachable: boom',
    });
  });
});
