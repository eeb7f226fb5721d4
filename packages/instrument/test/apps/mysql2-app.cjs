// A Fastify 5 app on MariaDB through a mysql2 pool (DATABASE_URL). The pool is smaller than the load's
// concurrency, so queries wait in its queue; /db-fail runs a query the database rejects (missing
// table) and lets the error reach Fastify, which answers 500 like the service in issue 20.
const fastify = require('fastify');
const mysql = require('mysql2/promise');

const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 4 });

const app = fastify();
app.get('/ok', async () => {
  const [rows] = await pool.query('SELECT ? AS n', [1]);
  return rows[0];
});
app.get('/db-fail', async () => {
  const [rows] = await pool.query('SELECT id FROM no_such_table WHERE id = ?', [7]);
  return rows;
});

app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port, node: process.version })}\n`);
});
