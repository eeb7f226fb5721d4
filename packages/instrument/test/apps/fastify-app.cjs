// A Fastify app with failing routes and better-sqlite3 routes; loaded with --require by the tests.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');
const fastify = require('fastify');

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-fastify-')), 'orders.db');
// busy timeout 0: a locked database fails at once with SQLITE_BUSY instead of waiting.
// nativeBinding: the tests' build for the Node they run this app on, if not the installed one.
const nativeBinding = process.env.FAULTLINE_TEST_BETTER_SQLITE3_BINDING;
const db = new Database(file, { timeout: 0, nativeBinding });
db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total REAL NOT NULL)');
db.prepare('INSERT INTO orders (total) VALUES (?)').run(12.5);
const selectOrder = db.prepare('SELECT id, total FROM orders WHERE id = ?');
const insertOrder = db.prepare('INSERT INTO orders (total) VALUES (?)');
const locker = new Database(file, { timeout: 0, nativeBinding });

const app = fastify();
app.get('/ok', async () => ({ ok: true }));
app.get('/throw', () => {
  const order = undefined;
  return order.total;
});
app.get('/reject', async () => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  throw new Error('rejected inside an async handler');
});
app.get('/explicit-500', async (_request, reply) => {
  reply.code(500).send({ error: 'explicit 500' });
});
app.get('/write-head-500', (_request, reply) => {
  reply.hijack();
  reply.raw.writeHead(500, { 'content-type': 'text/plain' });
  reply.raw.end('written with writeHead');
});
app.get('/orders/:id', async function getOrder(request) {
  return { id: Number(request.params.id), total: 12.5 };
});
app.get(
  '/hook-throws',
  {
    onRequest: async () => {
      throw new TypeError('session store unavailable');
    },
  },
  async () => ({ unreachable: true }),
);
app.get(
  '/pre-handler-error',
  {
    preHandler: (_request, _reply, done) => {
      done(new RangeError('quota lookup failed'));
    },
  },
  async () => ({ unreachable: true }),
);
app.get(
  '/search',
  { schema: { querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string' } } } } },
  async (request) => ({ q: request.query.q }),
);
app.get('/not-found-error', async () => {
  throw Object.assign(new Error('no order 7'), { statusCode: 404 });
});
// A plugin whose async error handler rethrows what it cannot handle, wrapped.
app.register(async (plugin) => {
  plugin.setErrorHandler(async (error) => {
    throw new Error(`orders plugin: ${error.message}`);
  });
  plugin.get('/plugin-hook-throws', {
    onRequest: async () => {
      throw new Error('plugin hook failed');
    },
    handler: async () => ({ unreachable: true }),
  });
  plugin.get('/plugin-throw', async function loadPluginOrder() {
    throw new TypeError('plugin handler failed');
  });
  plugin.get('/plugin-send-error', (_request, reply) => {
    reply.send(new Error('sent, not thrown'));
  });
});
app.get('/sqlite', async () => selectOrder.get(1));
app.get('/sqlite-iterate', async () => [...db.prepare('SELECT id FROM orders').iterate()]);
app.get('/sqlite-busy', async () => {
  locker.exec('BEGIN EXCLUSIVE');
  try {
    return insertOrder.run(99);
  } finally {
    locker.exec('ROLLBACK');
  }
});
app.get('/sqlite-missing-table', async () => db.prepare('SELECT * FROM no_such_table').all());
// Statements that succeed, then a failure of the handler's own.
app.get('/sqlite-then-throw', async () => {
  selectOrder.get(1);
  db.exec('SELECT 1');
  throw new Error('order 1 looked wrong');
});
// A statement that succeeds, then one that fails and is handled: the request answers 200.
const insertDuplicate = db.prepare('INSERT INTO orders (id, total) VALUES (1, 0)');
app.get('/sqlite-recovers', async () => {
  const order = selectOrder.get(1);
  try {
    insertDuplicate.run();
  } catch {
    return { order, duplicate: true };
  }
  return { order, duplicate: false };
});

// A statement that runs after the answer went out (a deferred write-back), in the request's context.
// The statement runs 20 ms after the answer; /late-statement/ran counts the ones that have run.
let lateStatementsRun = 0;
app.get('/late-statement', async () => {
  setTimeout(() => {
    selectOrder.get(1);
    lateStatementsRun += 1;
  }, 20);
  return { ok: true };
});
app.get('/late-statement/ran', async () => ({ ran: lateStatementsRun }));

// A request whose context outlives it, as a keep-alive socket's timer or an app's cache keeps one:
// the timer started here holds the request's context for a minute. /outlived/alive collects garbage
// and counts the requests of /outlived still in memory.
const outlived = [];
app.get('/outlived', async (request) => {
  setTimeout(() => {}, 60_000).unref();
  outlived.push(new WeakRef(request.raw));
  return { ok: true };
});
app.get('/outlived/alive', async () => {
  require('node:v8').setFlagsFromString('--expose-gc');
  const gc = require('node:vm').runInNewContext('gc');
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return { sent: outlived.length, alive: outlived.filter((ref) => ref.deref() !== undefined).length };
});

app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port, node: process.version })}\n`);
});
