/*
 * The orders database as an embedded SQLite file (better-sqlite3), so the demo needs nothing
 * installed. Its `db-pool` fault is SQLite's version of "no connection in time": another connection
 * holds the database locked, the lookup waits out its busy timeout and fails with SQLITE_BUSY.
 */
import Database from 'better-sqlite3';
import type { Customer, NewOrder, Order, OrdersStore, StoreFault } from './orders-store.js';
import { SEED_CUSTOMERS, SEED_ORDERS } from './orders-store.js';

/** How long a statement waits for a lock before SQLITE_BUSY; short so a locked database fails fast. */
const BUSY_TIMEOUT_MS = 100;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, tier TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL,
    item TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_cents INTEGER NOT NULL
  );`;

const ORDER_COLUMNS = 'id, customer_id AS customerId, item, quantity, unit_price_cents AS unitPriceCents';

/** Opens (creating and seeding when new) the SQLite orders database at `file`. */
export function openSqliteOrdersStore(file: string): OrdersStore {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  // Rollback journal, not WAL: under WAL readers are never blocked by a writer, so the locked-database
  // fault could not make a lookup fail. (https://www.sqlite.org/wal.html, "Concurrency")
  db.pragma('journal_mode = DELETE');
  db.exec(SCHEMA);
  seed(db);

  const findOrder = db.prepare<[number], Order>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`);
  const findCustomer = db.prepare<[number], Customer>('SELECT id, name, tier FROM customers WHERE id = ?');
  const insertOrder = db.prepare<[number, string, number, number], Order>(
    `INSERT INTO orders (customer_id, item, quantity, unit_price_cents) VALUES (?, ?, ?, ?) RETURNING ${ORDER_COLUMNS}`,
  );
  // The "nightly export job": a second connection that takes the whole database for itself.
  const lockHolder = new Database(file, { timeout: BUSY_TIMEOUT_MS });

  const withFault = <T>(fault: StoreFault, lookup: () => T): T => {
    if (fault !== 'db-pool') return lookup();
    lockHolder.exec('BEGIN EXCLUSIVE');
    try {
      return lookup();
    } finally {
      lockHolder.exec('ROLLBACK');
    }
  };

  return {
    system: 'sqlite',
    unsupported: (fault) =>
      fault === 'slow-query'
        ? 'slow-query needs PostgreSQL (statement_timeout and pg_sleep); start the demo with DATABASE_URL=postgres://...'
        : undefined,
    findOrder: async (id, fault) => withFault(fault, () => findOrder.get(id)),
    findCustomer: async (id, fault) => withFault(fault, () => findCustomer.get(id)),
    createOrder: async (order: NewOrder) => {
      const row = insertOrder.get(order.customerId, order.item, order.quantity, order.unitPriceCents);
      if (row === undefined) throw new Error('INSERT ... RETURNING gave no row');
      return row;
    },
    close: async () => {
      lockHolder.close();
      db.close();
    },
  };
}

function seed(db: Database.Database): void {
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM customers').get();
  if ((count?.n ?? 0) > 0) return;
  const addCustomer = db.prepare('INSERT INTO customers (id, name, tier) VALUES (?, ?, ?)');
  const addOrder = db.prepare(
    'INSERT INTO orders (id, customer_id, item, quantity, unit_price_cents) VALUES (?, ?, ?, ?, ?)',
  );
  db.transaction(() => {
    for (const c of SEED_CUSTOMERS) addCustomer.run(c.id, c.name, c.tier);
    for (const o of SEED_ORDERS) addOrder.run(o.id, o.customerId, o.item, o.quantity, o.unitPriceCents);
  })();
}
