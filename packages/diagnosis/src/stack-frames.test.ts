import { describe, expect, it } from 'vitest';
import { frameIdentity, frameOrigin, parseStack, topInAppFrame } from './stack-frames.js';

const PG_STACK = `error: relation "ordrs" does not exist
    at /srv/orders/node_modules/pg/lib/client.js:545:17
    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)
    at async getOrder (file:///srv/orders/src/routes/orders.mjs:22:20)
    at async Layer.handle [as handle_request] (/srv/orders/node_modules/router/lib/layer.js:152:17)`;

describe('stack frames', () => {
  it('parses V8 frames with and without a function name', () => {
    expect(parseStack(PG_STACK)).toEqual([
      { file: '/srv/orders/node_modules/pg/lib/client.js', line: 545, column: 17 },
      {
        functionName: 'process.processTicksAndRejections',
        file: 'node:internal/process/task_queues',
        line: 105,
        column: 5,
      },
      { functionName: 'getOrder', file: '/srv/orders/src/routes/orders.mjs', line: 22, column: 20 },
      {
        functionName: 'Layer.handle [as handle_request]',
        file: '/srv/orders/node_modules/router/lib/layer.js',
        line: 152,
        column: 17,
      },
    ]);
  });

  it('finds the first frame in application code, past dependencies and node internals', () => {
    expect(topInAppFrame(PG_STACK)?.functionName).toBe('getOrder');
  });

  it('finds no in-app frame in a stack made only of internals', () => {
    const stack =
      'TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13\n    at new Promise (<anonymous>)';
    expect(topInAppFrame(stack)).toBeUndefined();
  });

  it('identifies a frame by file and function, without line numbers', () => {
    expect(
      frameIdentity({
        functionName: 'getOrder',
        file: '/srv/orders/src/routes/orders.mjs',
        line: 22,
        column: 20,
      }),
    ).toBe('/srv/orders/src/routes/orders.mjs:getOrder');
  });
});

describe('frames of our own instrumentation', () => {
  it('are not app code, installed or linked from this repository', () => {
    const stack = [
      'SqliteError: database is locked',
      '    at statementCall (/work/main/packages/instrument/dist/better-sqlite3-instrumentation.js:98:32)',
      '    at statementCall (/srv/app/node_modules/@faultline/instrument/dist/better-sqlite3-instrumentation.js:98:32)',
      '    at findOrder (/srv/orders/src/sqlite-orders-store.js:44:10)',
    ].join('\n');
    expect(topInAppFrame(stack)).toMatchObject({
      functionName: 'findOrder',
      file: '/srv/orders/src/sqlite-orders-store.js',
    });
  });
});

describe('frameOrigin', () => {
  it.each([
    ['/srv/orders/src/orders.js:42:11', 'app'],
    ['file:///srv/orders/src/orders.mjs', 'app'],
    ['C:\\srv\\node_modules\\pg\\lib\\client.js:1:1', 'library'],
    ['/srv/orders/node_modules/pg-pool/index.js:45:11', 'library'],
    ['/work/repo/packages/instrument/dist/pg-pool-instrumentation.js:10:3', 'library'],
    ['node:internal/timers:581:17', 'runtime'],
    ['internal/process/task_queues.js:95:5', 'runtime'],
    ['<anonymous>', 'runtime'],
    ['native', 'runtime'],
    ['evalmachine.<anonymous>:1:1', 'runtime'],
  ])('%s is %s code', (location, origin) => {
    expect(frameOrigin(location)).toBe(origin);
  });
});
