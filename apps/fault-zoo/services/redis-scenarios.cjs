// Redis failures through ioredis and node-redis: refused and dropped connections (the store was
// unreachable), `-ERR` replies (the store rejected the command), BUSY replies and command timeouts.
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

/** Makes `victim`'s in-flight BLPOP lose its connection: another client kills every other client. */
async function killedMidCommand(blpop) {
  const killer = new Redis(url());
  try {
    const pending = blpop();
    // Wait until the BLPOP is on the server (it shows as blocked) before killing it.
    for (let i = 0; i < 100; i++) {
      const info = await killer.info('clients');
      if (/blocked_clients:[1-9]/.test(info)) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await killer.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    await pending;
  } finally {
    killer.disconnect();
  }
}

/** Runs a script that never yields, so that the server answers BUSY to `command`, then kills it. */
async function whileBusy(command) {
  const admin = new Redis(url());
  const looper = new Redis(url());
  try {
    await admin.config('SET', 'busy-reply-threshold', '50');
    const looping = looper.eval('while true do end', 0).catch(() => {});
    await new Promise((r) => setTimeout(r, 100));
    try {
      return await command();
    } finally {
      for (let i = 0; i < 50; i++) {
        const outcome = await admin.script('KILL').then(
          () => 'killed',
          (error) => String(error),
        );
        if (outcome === 'killed' || outcome.includes('NOTBUSY')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await looping;
    }
  } finally {
    admin.disconnect();
    looper.disconnect();
  }
}

/** Routes, by path. */
const redisScenarios = {
  '/ioredis/refused': () => withIoredis(closedUrl(), {}, (c) => c.get('cart:1')),
  '/ioredis/closed': () =>
    withIoredis(url(), { retryStrategy: () => null }, (c) => killedMidCommand(() => c.blpop('zoo:never', 5))),
  '/ioredis/reply-error': () => withIoredis(url(), {}, (c) => c.call('NOSUCHCOMMAND', 'x')),
  '/ioredis/wrongtype': () =>
    withIoredis(url(), {}, async (c) => {
      await c.set('zoo:string', 'x');
      await c.lpush('zoo:string', 'y');
    }),
  '/ioredis/busy': () => withIoredis(url(), {}, (c) => whileBusy(() => c.get('cart:1'))),
  '/ioredis/command-timeout': () =>
    withIoredis(url(), { commandTimeout: 100 }, (c) => c.blpop('zoo:never', 2)),
  '/redis/refused': async () => {
    const client = createClient({ url: closedUrl(), socket: { reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
  },
  '/redis/closed': () =>
    withNodeRedis((c) => killedMidCommand(() => c.blPop('zoo:never', 5)), {
      socket: { reconnectStrategy: false },
    }),
  '/redis/reply-error': () => withNodeRedis((c) => c.sendCommand(['NOSUCHCOMMAND', 'x'])),
  '/redis/busy': () => withNodeRedis((c) => whileBusy(() => c.get('cart:1'))),
};

module.exports = { redisScenarios, withIoredis };
