// The zoo's "gateway": a plain node:http service calling the store with fetch, the way a front
// service calls a back one. Routes: /via/<store path> (one call), /retry/<store path> (three attempts,
// then 502). Env: STORE_URL, PORT.
const http = require('node:http');

const store = process.env.STORE_URL;

async function callStore(path) {
  const response = await fetch(`${store}${path}`);
  await response.text();
  return response.status;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://gateway');
  try {
    if (url.pathname.startsWith('/via/')) {
      const status = await callStore(url.pathname.slice(4) + url.search);
      res.statusCode = status >= 500 ? 502 : status;
    } else if (url.pathname.startsWith('/retry/')) {
      let status = 0;
      for (let attempt = 1; attempt <= 3 && !(status > 0 && status < 500); attempt++)
        status = await callStore(url.pathname.slice(6) + url.search);
      res.statusCode = status >= 500 ? 502 : status;
    } else {
      res.statusCode = 404;
    }
    res.end();
  } catch {
    res.statusCode = 502;
    res.end();
  }
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port, node: process.version })}\n`);
});
