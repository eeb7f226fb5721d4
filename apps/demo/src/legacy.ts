/*
 * The legacy recommendations service: plain node:http, started WITHOUT @faultline/instrument, as the
 * old service nobody dares touch. It sends no spans, so when it answers 500 all Faultline sees is the
 * gateway's call to it. Run as `node dist/legacy.js` with PORT set.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { answerFaultControl, FAULT_CONTROL_PATH } from './fault-control.js';
import { FaultSwitches } from './faults.js';
import { exitOnListenError, readPort } from './service-env.js';

const RECOMMENDATIONS = [
  { sku: 'kb-101', title: 'wrist rest' },
  { sku: 'mn-270', title: 'monitor arm' },
  { sku: 'nb-010', title: 'fountain pen' },
];

const port = readPort(process.env, 'PORT');
const faults = new FaultSwitches('legacy');

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  res.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://legacy').pathname;
  if (path === FAULT_CONTROL_PATH) {
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const answer = answerFaultControl(faults, req.method ?? 'GET', body);
    sendJson(res, answer.statusCode, answer.body);
  } else if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
  } else if (path === '/recommendations' && req.method === 'GET') {
    if (faults.hits('legacy-500')) {
      // What the old service does on any trouble: a bare 500, no details, no trace.
      res.writeHead(500, { 'content-type': 'text/plain' }).end('Internal Server Error');
      return;
    }
    sendJson(res, 200, { recommendations: RECOMMENDATIONS });
  } else {
    sendJson(res, 404, { error: 'not found' });
  }
}

const server = createServer((req, res) => {
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
server.once('error', exitOnListenError('legacy', port));
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`legacy listening on ${port}\n`);
});
