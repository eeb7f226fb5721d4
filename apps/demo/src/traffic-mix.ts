/*
 * What the traffic generator asks the gateway for: mostly order lookups, some checkouts and
 * recommendations, and the odd unknown order (a 404 is not a failure and must not show as one).
 */

/** One request to send through the gateway. */
export interface DemoRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const ITEMS = ['mechanical keyboard', 'usb-c cable', 'desk lamp', 'notebook', 'webcam'];

/** Picks the next request; `random` returns numbers in [0, 1) (Math.random in the demo). */
export function pickRequest(random: () => number): DemoRequest {
  const roll = random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (roll < 0.5) return { method: 'GET', path: `/api/orders/${pick([1, 2, 3, 4, 5])}` };
  if (roll < 0.55) return { method: 'GET', path: '/api/orders/999' };
  if (roll < 0.8) {
    return {
      method: 'POST',
      path: '/api/checkout',
      body: { customerId: pick([1, 2, 3]), item: pick(ITEMS), quantity: pick([1, 2, 3]) },
    };
  }
  return { method: 'GET', path: '/api/recommendations' };
}
