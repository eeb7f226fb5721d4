// A Fastify app with failing routes and better-sqlite3 routes; loaded with --require by the tests.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');
const fastify = require('fastify');

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-fastify-')), 'orders.db');
// busy timeout 0: a locked database fails at once with SQLITE_BUSY instead of waiting.
const db = new Database(file, { timeout: 0 });
db.exec('CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total REAL NOT NULL)');
db.prepare('INSERT INTO orders (total) VALUES (?)').run(12.5);
const selectOrder = db.prepare('SELECT id, total FROM orders WHERE id = ?');
const insertOrder = db.prepare('INSERT INTO orders (total) VALUES (?)');
const locker = new Database(file, { timeout: 0 });

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

app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
});
