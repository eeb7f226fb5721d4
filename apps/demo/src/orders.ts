/*
 * The orders service (Express 5): looks orders up and takes checkouts, on SQLite (SQLITE_FILE, the
 * default) or PostgreSQL (DATABASE_URL). Most of the demo's faults live here. Run as `node --import
 * @faultline/instrument/register dist/orders.js` with PORT and one of the two database settings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import pino from 'pino';
import { answerFaultControl, FAULT_CONTROL_PATH } from './fault-control.js';
import type { FaultName } from './faults.js';
import { FaultSwitches } from './faults.js';
import type { Customer, Order, OrdersStore, StoreFault } from './orders-store.js';
import { openPgOrdersStore } from './pg-orders-store.js';
import { exitOnListenError, readPort } from './service-env.js';
import { openSqliteOrdersStore } from './sqlite-orders-store.js';

/** Longer than the gateway waits (1 s), so the gateway gives up first. */
const STALL_MS = 1500;
/** A customer id no row has: what a deleted customer's orders point to. */
const DELETED_CUSTOMER_ID = 404_404;
const DISCOUNT_BY_TIER: Record<Customer['tier'], number> = { gold: 0.1, silver: 0.05, standard: 0 };

const logger = pino({ base: { service: 'orders' } });
const port = readPort(process.env, 'PORT');
const store = await openStore(process.env);
const faults = new FaultSwitches('orders');

async function openStore(env: NodeJS.ProcessEnv): Promise<OrdersStore> {
  const databaseUrl = env['DATABASE_URL']?.trim();
  if (databaseUrl) return openPgOrdersStore(databaseUrl);
  const file = env['SQLITE_FILE']?.trim();
  if (!file) {
    process.stderr.write('[demo] cannot start orders: set DATABASE_URL (PostgreSQL) or SQLITE_FILE\n');
    process.exit(2);
  }
  return openSqliteOrdersStore(file);
}

/** Draws the database fault this request suffers, if any (only those the store can apply). */
function drawStoreFault(): StoreFault {
  for (const fault of ['db-pool', 'slow-query'] as const) {
    if (store.unsupported(fault) === undefined && faults.hits(fault)) return fault;
  }
  return 'none';
}

/** Applies the faults that come before any work: a stall past the gateway's timeout, a bare 500. */
async function preludeFaults(res: Response, route: string): Promise<boolean> {
  if (faults.hits('upstream-timeout')) await sleep(STALL_MS);
  if (faults.hits('explicit-500')) {
    logger.error({ route }, 'inventory check said no; answering 500');
    res.status(500).json({ error: 'inventory unavailable' });
    return true;
  }
  return false;
}

/** The price a customer pays. Trusts that every order's customer exists (the exception fault's bug). */
function priceOrder(order: Order, customer: Customer): number {
  const discount = DISCOUNT_BY_TIER[customer.tier];
  return Math.round(order.quantity * order.unitPriceCents * (1 - discount));
}

function customerIdFor(order: Order): number {
  return faults.hits('exception') ? DELETED_CUSTOMER_ID : order.customerId;
}

const app = express();
app.use(express.json());

app.get('/orders/:id', async (req: Request<{ id: string }>, res: Response) => {
  if (await preludeFaults(res, 'GET /orders/:id')) return;
  const id = Number(req.params.id);
  if (!Number.isInteger(id)) {
    res.status(400).json({ error: 'order id must be an integer' });
    return;
  }
  const order = await store.findOrder(id, drawStoreFault());
  if (order === undefined) {
    res.status(404).json({ error: `no order ${id}` });
    return;
  }
  const customer = await store.findCustomer(customerIdFor(order), 'none');
  res.json({ ...order, totalCents: priceOrder(order, customer!) });
});

app.post('/orders', async (req: Request, res: Response) => {
  if (await preludeFaults(res, 'POST /orders')) return;
  const body = (req.body ?? {}) as Record<string, unknown>;
  const customerId = Number(body['customerId'] ?? 1);
  const item = typeof body['item'] === 'string' ? body['item'] : 'gift card';
  const quantity = Number(body['quantity'] ?? 1);
  const customer = await store.findCustomer(customerId, drawStoreFault());
  if (customer === undefined) {
    res.status(422).json({ error: `no customer ${customerId}` });
    return;
  }
  const order = await store.createOrder({ customerId, item, quantity, unitPriceCents: 2_500 });
  const buyer = await store.findCustomer(customerIdFor(order), 'none');
  res.status(201).json({ ...order, totalCents: priceOrder(order, buyer!) });
});

app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok', database: store.system });
});

app.all(FAULT_CONTROL_PATH, (req, res) => {
  const answer = answerFaultControl(faults, req.method, req.body, (setting) =>
    isStoreFault(setting.name) ? store.unsupported(setting.name) : undefined,
  );
  res.status(answer.statusCode).json(answer.body);
});

// Express 5 sends errors of async handlers here. Logged inside the request, so the line carries its trace id.
app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
  logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
  res.status(500).json({ error: 'internal error' });
});

function isStoreFault(name: FaultName): name is 'db-pool' | 'slow-query' {
  return name === 'db-pool' || name === 'slow-query';
}

app.listen(port, '127.0.0.1', (error?: Error) => {
  if (error) exitOnListenError('orders', port)(error);
  logger.info({ port, database: store.system }, 'orders listening');
});
