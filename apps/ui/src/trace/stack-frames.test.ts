import { describe, expect, it } from 'vitest';
import { parseStackTrace } from './stack-frames.js';

const STACK = [
  'Error: timeout exceeded when trying to connect',
  '    at Timeout._onTimeout (/srv/orders/node_modules/pg-pool/index.js:45:11)',
  '    at listOnTimeout (node:internal/timers:581:17)',
  '    at async getOrder (/srv/orders/src/orders-repo.js:12:5)',
  '    at /srv/orders/src/routes.js:30:7',
  '    at new Promise (<anonymous>)',
].join('\n');

describe('parseStackTrace', () => {
  it('keeps the message line unclassified and marks frames app, library or runtime', () => {
    expect(parseStackTrace(STACK).map((l) => l.origin)).toEqual([
      undefined,
      'library',
      'runtime',
      'app',
      'app',
      'runtime',
    ]);
  });

  it('marks frames of our own instrumentation as library code, as the diagnosis does', () => {
    const stack = 'Error: boom\n    at wrapped (/work/repo/packages/instrument/dist/start.js:3:9)';
    expect(parseStackTrace(stack).map((l) => l.origin)).toEqual([undefined, 'library']);
  });
});
