/*
 * The traffic generator: a steady stream of requests through the gateway (default 10 a second),
 * counted so the terminal can show how many were sent and how many came back 5xx.
 */
import type { DemoRequest } from './traffic-mix.js';
import { pickRequest } from './traffic-mix.js';

/** Counts since the traffic started. */
export interface TrafficStats {
  sent: number;
  answered: number;
  /** Answers with a 5xx status. */
  serverErrors: number;
  /** Requests that got no answer at all (gateway down). */
  unanswered: number;
  /** The latest 5xx, e.g. `GET /api/orders/3 -> 500`. */
  lastServerError: string | undefined;
}

/** A running generator. */
export interface Traffic {
  readonly stats: TrafficStats;
  /** Stops sending and waits (at most `graceMs`) for the requests still out. */
  stop(graceMs?: number): Promise<void>;
}

/** Requests still out at most; past that the generator skips a beat rather than pile up. */
const MAX_IN_FLIGHT = 100;
const REQUEST_TIMEOUT_MS = 5000;

/** Starts sending `requestsPerSecond` requests a second to `gatewayUrl`. */
export function startTraffic(gatewayUrl: string, requestsPerSecond: number): Traffic {
  const stats: TrafficStats = {
    sent: 0,
    answered: 0,
    serverErrors: 0,
    unanswered: 0,
    lastServerError: undefined,
  };
  const inFlight = new Set<Promise<void>>();

  const send = async (request: DemoRequest): Promise<void> => {
    try {
      const response = await fetch(`${gatewayUrl}${request.path}`, {
        method: request.method,
        headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      stats.answered++;
      if (response.status >= 500) {
        stats.serverErrors++;
        stats.lastServerError = `${request.method} ${request.path} -> ${response.status}`;
      }
    } catch {
      stats.unanswered++;
    }
  };

  const timer = setInterval(
    () => {
      if (inFlight.size >= MAX_IN_FLIGHT) return;
      stats.sent++;
      const pending = send(pickRequest(Math.random));
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
    },
    Math.max(1, Math.round(1000 / requestsPerSecond)),
  );

  return {
    stats,
    stop: async (graceMs = 2000) => {
      clearInterval(timer);
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => {
          timeout = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timeout);
    },
  };
}
