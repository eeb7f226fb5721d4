/*
 * The demo's fault switches: each names one way a request fails in production, the service that
 * owns it, and a rate (the probability that a request is hit). Pure logic; the services hold one
 * `FaultSwitches` each and the main job forwards changes to the owner.
 */

/** The service processes of the demo that can carry faults. */
export type DemoService = 'gateway' | 'orders' | 'legacy';

/** Every fault, with the service it lives in and what it does, in words for the terminal. */
export const FAULTS = {
  exception: {
    service: 'orders',
    description: 'orders handler throws a TypeError (reads a property of undefined)',
  },
  'db-pool': {
    service: 'orders',
    description: 'no database connection in time (pg: leaked pool clients; SQLite: database locked)',
  },
  'slow-query': {
    service: 'orders',
    description: 'a query runs past its statement_timeout (PostgreSQL only)',
  },
  'wrong-upstream': {
    service: 'gateway',
    description: 'gateway calls orders on a closed port (ECONNREFUSED)',
  },
  'upstream-timeout': { service: 'orders', description: "orders answers after the gateway's 1 s timeout" },
  'legacy-500': { service: 'legacy', description: 'the uninstrumented legacy service answers 500' },
  'explicit-500': { service: 'orders', description: 'orders answers 500 without any exception' },
} as const satisfies Record<string, { service: DemoService; description: string }>;

/** A fault's name, as typed on the command line. */
export type FaultName = keyof typeof FAULTS;

/** The fault names in a stable order (for listings). */
export const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

/** A fault name with its current rate. */
export interface FaultSetting {
  name: FaultName;
  rate: number;
}

/**
 * What the main job switches on at start, so the failures page fills with several groups within
 * seconds. The rates are low enough that most requests still succeed (a page of only failures teaches
 * nothing); `db-pool` and `upstream-timeout` are lower because each hit also stalls the requests
 * behind it.
 */
export const DEFAULT_FAULT_MIX: readonly FaultSetting[] = [
  { name: 'exception', rate: 0.15 },
  { name: 'explicit-500', rate: 0.1 },
  { name: 'legacy-500', rate: 0.15 },
  { name: 'wrong-upstream', rate: 0.05 },
  { name: 'upstream-timeout', rate: 0.05 },
  { name: 'db-pool', rate: 0.05 },
  { name: 'slow-query', rate: 0.1 },
];

/** True when `name` is one of the demo's faults. */
export function isFaultName(name: unknown): name is FaultName {
  return typeof name === 'string' && Object.hasOwn(FAULTS, name);
}

/** Reads a `{ name, rate }` control request; returns the setting or a sentence saying what is wrong. */
export function parseFaultSetting(body: unknown): FaultSetting | string {
  if (typeof body !== 'object' || body === null)
    return 'expected a JSON object { "name": ..., "rate": 0..1 }';
  const { name, rate } = body as Record<string, unknown>;
  if (!isFaultName(name)) return `unknown fault ${JSON.stringify(name)}; known: ${FAULT_NAMES.join(', ')}`;
  const value = typeof rate === 'string' && rate.trim() !== '' ? Number(rate) : rate;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    return `rate must be a number from 0 to 1, got ${JSON.stringify(rate)}`;
  }
  return { name, rate: value };
}

/** The fault rates one service holds; every fault starts off. */
export class FaultSwitches {
  readonly #rates = new Map<FaultName, number>();

  /** `random` is injectable so tests can decide hits; production uses Math.random. */
  constructor(
    readonly service: DemoService,
    private readonly random: () => number = Math.random,
  ) {}

  /** Sets a fault's rate (0 turns it off). */
  set(name: FaultName, rate: number): void {
    if (rate <= 0) this.#rates.delete(name);
    else this.#rates.set(name, Math.min(rate, 1));
  }

  /** The rate of one fault (0 when off). */
  rate(name: FaultName): number {
    return this.#rates.get(name) ?? 0;
  }

  /** Draws whether this request is hit by `name`; a rate of 1 always hits, 0 never. */
  hits(name: FaultName): boolean {
    const rate = this.rate(name);
    return rate > 0 && this.random() < rate;
  }

  /** The faults this service owns, each with its rate, in the stable order. */
  snapshot(): FaultSetting[] {
    return FAULT_NAMES.filter((name) => FAULTS[name].service === this.service).map((name) => ({
      name,
      rate: this.rate(name),
    }));
  }
}
