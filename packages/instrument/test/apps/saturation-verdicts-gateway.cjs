// The "gateway" of saturation-verdicts.test.ts: calls pricing (PRICING_URL) with a deadline of its own
// (`timeout` ms) and fails the request when the call fails, as a gateway with a short timeout does.
const express = require('express');

const app = express();

app.get('/api/quote', async (req, res) => {
  const path = typeof req.query.path === 'string' ? req.query.path : '/price/42';
  const answer = await fetch(`${process.env.PRICING_URL}${path}`, {
    signal: AbortSignal.timeout(Number(req.query.timeout ?? 300)),
  });
  if (!answer.ok) throw new Error(`pricing answered ${answer.status}`);
  res.json(await answer.json());
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
