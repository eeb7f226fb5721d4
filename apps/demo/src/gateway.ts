/*
 * The gateway: the public face of the demo (Fastify). It forwards to the orders service and to the
 * legacy recommendations service with `fetch`, giving each call 1 s, and turns upstream failures into
 * the statuses real gateways answer with. Run as `node --import @faultline/instrument/register
 * dist/gateway.js` with PORT, ORDERS_URL, ORDERS_WRONG_URL and LEGACY_URL set.
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import Fastify from 'fastify';
import { answerFaultControl, FAULT_CONTROL_PATH } from './fault-control.js';
import { FaultSwitches } from './faults.js';
import { exitOnListenError, readBaseUrl, readPort } from './service-env.js';
import { classifyFetchError } from './upstream-failure.js';

/** How long the gateway waits for an upstream before answering 504. */
const UPSTREAM_TIMEOUT_MS = 1000;

const port = readPort(process.env, 'PORT');
const ordersUrl = readBaseUrl(process.env, 'ORDERS_URL');
// Where a misconfigured gateway looks for orders: a port nobody listens on.
const wrongOrdersUrl = readBaseUrl(process.env, 'ORDERS_WRONG_URL', 'http://127.0.0.1:9');
const legacyUrl = readBaseUrl(process.env, 'LEGACY_URL');

const faults = new FaultSwitches('gateway');
// Request logging off: at 10 requests a second it would drown the lines that matter.
const app = Fastify({ logger: { level: 'warn' }, disableRequestLogging: true });

type Upstream = 'orders' | 'legacy';

/**
 * Calls an upstream and relays its answer. An orders 5xx is passed on as 500 (the gateway trusts
 * orders' own error); a legacy 5xx becomes 502, as a gateway says of a backend it does not own.
 */
async function relay(
  request: FastifyRequest,
  reply: FastifyReply,
  upstream: Upstream,
  url: string,
  init: RequestInit = {},
): Promise<FastifyReply> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    text = await response.text();
  } catch (error) {
    const failure = classifyFetchError(error);
    request.log.error({ upstream, url, code: failure.code }, `${upstream}: ${failure.message}`);
    return reply.code(failure.statusCode).send({ error: failure.message });
  }
  if (response.status >= 500) {
    const statusCode = upstream === 'orders' ? 500 : 502;
    request.log.error(
      { upstream, url, upstreamStatus: response.status },
      `${upstream} answered ${response.status}`,
    );
    return reply.code(statusCode).send({ error: `${upstream} failed`, upstreamStatus: response.status });
  }
  return reply
    .code(response.status)
    .type(response.headers.get('content-type') ?? 'application/json')
    .send(text);
}

function ordersBase(): string {
  return faults.hits('wrong-upstream') ? wrongOrdersUrl : ordersUrl;
}

app.get<{ Params: { id: string } }>('/api/orders/:id', (request, reply) =>
  relay(request, reply, 'orders', `${ordersBase()}/orders/${encodeURIComponent(request.params.id)}`),
);

app.post('/api/checkout', (request, reply) =>
  relay(request, reply, 'orders', `${ordersBase()}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request.body ?? {}),
  }),
);

app.get('/api/recommendations', (request, reply) =>
  relay(request, reply, 'legacy', `${legacyUrl}/recommendations`),
);

app.get('/healthz', () => ({ status: 'ok' }));

app.route({
  method: ['GET', 'POST'],
  url: FAULT_CONTROL_PATH,
  handler: (request, reply) => {
    const answer = answerFaultControl(faults, request.method, request.body);
    return reply.code(answer.statusCode).send(answer.body);
  },
});

await app.listen({ host: '127.0.0.1', port }).catch(exitOnListenError('gateway', port));
