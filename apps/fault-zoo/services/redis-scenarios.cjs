// Redis failures through ioredis and node-redis: refused and dropped connections (the store was
// unreachable), `-ERR` replies (the store rejected the command), BUSY replies and command timeouts.
// The test makes the server busy (a script that never yields) or kills the connection of a pending
// BLPOP from outside, so that the request's trace holds only the service's own calls.
const Redis = require('ioredis');
const { createClient } = require('redis');

const url = () => process.env.REDIS_URL;
const closedUrl = () => `redis://127.0.0.1:${process.env.CLOSED_PORT}`;

/** An ioredis client that gives up on a dead server quickly instead of retrying for minutes. */
function ioredis(target, options = {}) {
  return new Redis(target, { maxRetriesPerRequest: 1, retryStrategy: () => 50, ...options });
}

/** Runs `fn` with an ioredis client that is always disconnected afterwards. */
async function withIoredis(target, options, fn) {
  const client = ioredis(target, options);
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Runs `fn` with a connected node-redis client, closed afterwards. */
async function withNodeRedis(fn, options = {}) {
  const client = createClient({ url: url(), ...options });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

let sharedIoredis;
let sharedNodeRedis;
/**
 * The service's long-lived clients, connected at start as a real service's are: a client connecting
 * during a test's BUSY window would get BUSY on its handshake (ioredis' INFO ready check) instead.
 */
function shared() {
  sharedIoredis ??= new Redis(url(), { maxRetriesPerRequest: 1 });
  sharedNodeRedis ??= (async () => {
    const client = createClient({ url: url() });
    client.on('error', () => {});
    await client.connect();
    return client;
  })();
  return { ioredis: sharedIoredis, nodeRedis: sharedNodeRedis };
}
if (process.env.REDIS_URL) shared();

/** Routes, by path. */
const redisScenarios = {
  '/ioredis/refused': () => withIoredis(closedUrl(), {}, (c) => c.get('cart:1')),
  '/ioredis/closed': () => withIoredis(url(), { retryStrategy: () => null }, (c) => c.blpop('zoo:never', 5)),
  '/ioredis/reply-error': () => shared().ioredis.call('NOSUCHCOMMAND', 'x'),
  '/ioredis/wrongtype': async () => {
    await shared().ioredis.set('zoo:string', 'x');
    await shared().ioredis.lpush('zoo:string', 'y');
  },
  '/ioredis/busy': () => shared().ioredis.get('cart:1'),
  '/ioredis/command-timeout': () =>
    withIoredis(url(), { commandTimeout: 100 }, (c) => c.blpop('zoo:never', 2)),
  '/redis/refused': async () => {
    const client = createClient({ url: closedUrl(), socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
  },
  '/redis/closed': () =>
    withNodeRedis((c) => c.blPop('zoo:never', 5), { socket: { reconnectStrategy: false } }),
  '/redis/reply-error': async () => (await shared().nodeRedis).sendCommand(['NOSUCHCOMMAND', 'x']),
  '/redis/busy': async () => (await shared().nodeRedis).get('cart:1'),
};

module.exports = { redisScenarios, withIoredis };
