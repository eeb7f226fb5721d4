/*
 * The orders database on PostgreSQL (DATABASE_URL) through a `pg` Pool. The pool is deliberately
 * small (max 2) and impatient (300 ms to get a connection) so the pool-exhaustion fault bites at once.
 */
import pg from 'pg';
import type { Customer, NewOrder, Order, OrdersStore, StoreFault } from './orders-store.js';
import { SEED_CUSTOMERS, SEED_ORDERS } from './orders-store.js';

/** Pool size: two, so two leaked clients exhaust it. */
const POOL_MAX = 2;
/** How long a checkout waits for a free client before "timeout exceeded when trying to connect". */
const CONNECTION_TIMEOUT_MS = 300;
/** How long leaked clients stay out before the "leak detector" returns them (so the demo recovers). */
const LEAK_HOLD_MS = 1500;
/** The statement timeout of the slow-query fault, and how long its query would sleep. */
const SLOW_QUERY_TIMEOUT_MS = 250;
const SLOW_QUERY_SLEEP_S = 2;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS customers (id integer PRIMARY KEY, name text NOT NULL, tier text NOT NULL);
  CREATE TABLE IF NOT EXISTS orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL,
    item text NOT NULL,
    quantity integer NOT NULL,
    unit_price_cents integer NOT NULL
  );`;

const ORDER_COLUMNS = 'id, customer_id AS "customerId", item, quantity, unit_price_cents AS "unitPriceCents"';
const FIND_ORDER = `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`;
const FIND_CUSTOMER = 'SELECT id, name, tier FROM customers WHERE id = $1';
// The same lookups as a query plan gone bad would run them: far slower than anyone waits for.
const PAUSE = `WITH pause AS (SELECT pg_sleep(${SLOW_QUERY_SLEEP_S}))`;
const FIND_ORDER_SLOW = `${PAUSE} SELECT ${ORDER_COLUMNS} FROM orders, pause WHERE id = $1`;
const FIND_CUSTOMER_SLOW = `${PAUSE} SELECT id, name, tier FROM customers, pause WHERE id = $1`;

/** Connects to PostgreSQL, creates the schema and seeds it when empty. */
export async function openPgOrdersStore(connectionString: string): Promise<OrdersStore> {
  const pool = new pg.Pool({
    connectionString,
    max: POOL_MAX,
    connectionTimeoutMillis: CONNECTION_TIMEOUT_MS,
    application_name: 'faultline-demo-orders',
  });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', () => {});
  await prepare(pool);

  /**
   * The bug behind `db-pool`: an "audit trail" that checks clients out and forgets them. The
   * checkouts queue ahead of the request's own query, which then waits for a client in vain.
   */
  const leakClients = (): void => {
    for (let i = 0; i < POOL_MAX; i++) {
      pool.connect().then(
        (client) => setTimeout(() => client.release(), LEAK_HOLD_MS).unref(),
        () => {},
      );
    }
  };

  const lookup = async <T extends pg.QueryResultRow>(
    sql: string,
    slowSql: string,
    params: unknown[],
    fault: StoreFault,
  ): Promise<T | undefined> => {
    if (fault === 'db-pool') leakClients();
    if (fault !== 'slow-query') return (await pool.query<T>(sql, params)).rows[0];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL statement_timeout = ${SLOW_QUERY_TIMEOUT_MS}`);
      const row = (await client.query<T>(slowSql, params)).rows[0];
      await client.query('COMMIT');
      return row;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };

  return {
    system: 'postgresql',
    unsupported: () => undefined,
    findOrder: (id, fault) => lookup<Order>(FIND_ORDER, FIND_ORDER_SLOW, [id], fault),
    findCustomer: (id, fault) => lookup<Customer>(FIND_CUSTOMER, FIND_CUSTOMER_SLOW, [id], fault),
    createOrder: async (order: NewOrder) => {
      const result = await pool.query<Order>(
        `INSERT INTO orders (customer_id, item, quantity, unit_price_cents) VALUES ($1, $2, $3, $4) RETURNING ${ORDER_COLUMNS}`,
        [order.customerId, order.item, order.quantity, order.unitPriceCents],
      );
      const row = result.rows[0];
      if (row === undefined) throw new Error('INSERT ... RETURNING gave no row');
      return row;
    },
    close: () => pool.end(),
  };
}

async function prepare(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(SCHEMA);
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM customers');
    if (Number(rows[0]?.n ?? 0) === 0) {
      for (const c of SEED_CUSTOMERS) {
        await client.query('INSERT INTO customers (id, name, tier) VALUES ($1, $2, $3)', [
          c.id,
          c.name,
          c.tier,
        ]);
      }
      for (const o of SEED_ORDERS) {
        await client.query(
          'INSERT INTO orders (id, customer_id, item, quantity, unit_price_cents) VALUES ($1, $2, $3, $4, $5)',
          [o.id, o.customerId, o.item, o.quantity, o.unitPriceCents],
        );
      }
      // Seeded ids were given explicitly; move the sequence past them for checkout's inserts.
      await client.query(`SELECT setval('orders_id_seq', (SELECT max(id) FROM orders))`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
