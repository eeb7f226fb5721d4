/*
 * The main job's one control entry point (default http://127.0.0.1:8319/faults), which the `fault`
 * command calls. It validates a change and forwards it to the service that owns the fault.
 *
 *   GET  /faults                     -> 200 { faults: [{ name, rate }] }
 *   POST /faults { "name", "rate" }  -> 200 { faults } | 400/409 { error } (the owner's refusal)
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { forwardFaultSetting, listFaultSettings } from './fault-forwarding.js';
import type { DemoService } from './faults.js';
import { parseFaultSetting } from './faults.js';

/** The path of the main job's fault control. */
export const CONTROL_PATH = '/faults';

function send(res: ServerResponse, statusCode: number, body: unknown): void {
  res.writeHead(statusCode, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

async function handle(
  serviceUrls: Record<DemoService, string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (new URL(req.url ?? '/', 'http://control').pathname !== CONTROL_PATH) {
    send(res, 404, { error: `the fault control is ${CONTROL_PATH}` });
    return;
  }
  if (req.method === 'GET') {
    send(res, 200, { faults: await listFaultSettings(serviceUrls) });
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, { error: 'use GET or POST' });
    return;
  }
  const setting = parseFaultSetting(await readJson(req));
  if (typeof setting === 'string') {
    send(res, 400, { error: setting });
    return;
  }
  const answer = await forwardFaultSetting(serviceUrls, setting);
  if (answer.statusCode !== 200) {
    send(res, answer.statusCode, answer.body);
    return;
  }
  send(res, 200, { faults: await listFaultSettings(serviceUrls) });
}

/** Starts the control server on 127.0.0.1:`port`; resolves once it listens. */
export function startControlServer(serviceUrls: Record<DemoService, string>, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    handle(serviceUrls, req, res).catch((error: unknown) => {
      send(res, 502, { error: `a demo service did not answer: ${(error as Error).message}` });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
