// An Express app on PostgreSQL (DATABASE_URL): a pool that can be drained by leaks, and a slow query.
const express = require('express');
const { Pool } = require('pg');

// max 2 and a short connection timeout: two leaked clients exhaust the pool within a test.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2, connectionTimeoutMillis: 300 });
// A separate pool whose statements time out after 100 ms (SQLSTATE 57014).
const strictPool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2, statement_timeout: 100 });

const app = express();
app.get('/query', async (_req, res) => {
  const result = await pool.query('SELECT $1::text AS answer', ['card-4242-secret']);
  res.json(result.rows[0]);
});
app.get('/leak', async (_req, res) => {
  await pool.connect(); // never released: the bug under test
  res.json({ leaked: true });
});
app.get('/slow', async (_req, res) => {
  await strictPool.query('SELECT pg_sleep(1)');
  res.json({ slept: true });
});
app.get('/missing-table', async (_req, res) => {
  await strictPool.query('SELECT * FROM no_such_table WHERE id = $1', [7]);
  res.json({});
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
