/*
 * What the orders service needs from its database, whichever it is: the embedded SQLite file (the
 * default, nothing to install) or PostgreSQL (DATABASE_URL). The seed rows live here so both stores
 * start with the same shop.
 */

/** A customer of the shop; `tier` decides the discount. */
export interface Customer {
  id: number;
  name: string;
  tier: 'gold' | 'silver' | 'standard';
}

/** One order as stored. */
export interface Order {
  id: number;
  customerId: number;
  item: string;
  quantity: number;
  unitPriceCents: number;
}

/** What checkout asks to store. */
export type NewOrder = Omit<Order, 'id'>;

/**
 * A database fault to apply to one lookup: `db-pool` (no connection in time) or `slow-query` (the
 * statement runs past its timeout); `none` for a healthy lookup.
 */
export type StoreFault = 'none' | 'db-pool' | 'slow-query';

/** The orders service's database. Lookups take the fault the request drew. */
export interface OrdersStore {
  /** `postgresql` or `sqlite`, as `db.system.name` spells them. */
  readonly system: 'postgresql' | 'sqlite';
  /** Why this store cannot apply a fault, or undefined when it can. */
  unsupported(fault: StoreFault): string | undefined;
  findOrder(id: number, fault: StoreFault): Promise<Order | undefined>;
  findCustomer(id: number, fault: StoreFault): Promise<Customer | undefined>;
  createOrder(order: NewOrder): Promise<Order>;
  close(): Promise<void>;
}

/** The shop's customers at start. */
export const SEED_CUSTOMERS: readonly Customer[] = [
  { id: 1, name: 'Ada', tier: 'gold' },
  { id: 2, name: 'Grace', tier: 'silver' },
  { id: 3, name: 'Linus', tier: 'standard' },
];

/** The shop's orders at start (ids 1-5, which the traffic generator asks for). */
export const SEED_ORDERS: readonly Order[] = [
  { id: 1, customerId: 1, item: 'mechanical keyboard', quantity: 1, unitPriceCents: 12_900 },
  { id: 2, customerId: 2, item: 'usb-c cable', quantity: 3, unitPriceCents: 990 },
  { id: 3, customerId: 3, item: '27" monitor', quantity: 1, unitPriceCents: 28_900 },
  { id: 4, customerId: 1, item: 'desk lamp', quantity: 2, unitPriceCents: 3_450 },
  { id: 5, customerId: 2, item: 'notebook', quantity: 10, unitPriceCents: 450 },
];
