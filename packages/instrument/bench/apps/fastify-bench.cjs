// Fastify benchmark app: GET /json and GET /db.
const fastify = require('fastify');
const { payload, readOrder } = require('./bench-db.cjs');

const app = fastify();
app.get('/json', async () => payload);
app.get('/db', async () => readOrder());
app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
});
