// An Express 5 app on PostgreSQL (DATABASE_URL) and a downstream service (DOWNSTREAM_URL) whose
// failing requests fail in a span of another instrumentation (pg, undici), some of them only after
// the answer went out.
const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 8 });
const downstream = process.env.DOWNSTREAM_URL;

const app = express();
app.get('/ok', async (_req, res) => {
  const result = await pool.query('SELECT $1::int AS n', [1]);
  res.json(result.rows[0]);
});
// The query fails before the answer: the request answers 500.
app.get('/pg-fail', async (_req, res) => {
  try {
    await pool.query('SELECT id FROM no_such_table WHERE id = $1', [7]);
    res.json({});
  } catch (error) {
    res.status(500).json({ error: error.message });
  }
});
// An audit write the request does not wait for: it fails 30 ms after the 200 went out.
app.get('/pg-late', (_req, res) => {
  pool.query("SELECT (pg_sleep(0.03)::text || 'x')::int").catch(() => undefined);
  res.json({ queued: true });
});
// The downstream's 500 arrives before its body: the request answers 502 on the status, then reads
// the body, so the call's span (ERROR for the 500) ends after the server span.
app.get('/fetch-late', async (_req, res) => {
  const answer = await fetch(`${downstream}/fail`);
  res.status(502).json({ downstream: answer.status });
  await answer.text();
});
// The same call, answered 200 without waiting for it.
app.get('/fetch-late-ok', async (_req, res) => {
  const answer = fetch(`${downstream}/fail`).then((response) => response.text());
  res.json({ queued: true });
  await answer;
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
