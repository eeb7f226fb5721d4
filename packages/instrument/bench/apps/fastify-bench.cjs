// Fastify benchmark app: GET /json, GET /db, and GET /fail (a thrown error: 500).
const fastify = require('fastify');
const { payload, readOrder } = require('./bench-db.cjs');

const app = fastify();
app.get('/json', async () => payload);
app.get('/db', async () => readOrder());
app.get('/fail', async () => {
  throw new Error('benchmark failure');
});
app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
});
