/*
 * The end-to-end fault suite, shared by the SQLite and PostgreSQL test files: the real collector and
 * the real services (gateway and orders with @faultline/instrument, legacy without), one fault at
 * rate 1, one request through the gateway, and the verdict the collector reaches for the trace named
 * in the response's `traceresponse` header.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forwardFaultSetting } from '../../src/fault-forwarding.js';
import type { FaultName } from '../../src/faults.js';
import { freePort } from '../../src/free-port.js';
import type { Stack } from '../../src/stack.js';
import { startStack } from '../../src/stack.js';
import { fetchTrace, traceIdOf } from './collector-api.js';

/** Where the orders service keeps its data. */
export type Database = 'sqlite' | 'postgresql';

interface FaultCase {
  fault: FaultName;
  method: 'GET' | 'POST';
  path: string;
  status: number;
  originService: string;
  cause: string;
  /** How long the switches stay untouched after the request (leaked pool clients come back after 1.5 s). */
  settleMs?: number;
}

function faultCases(database: Database): FaultCase[] {
  const order = { method: 'GET', path: '/api/orders/1' } as const;
  const cases: FaultCase[] = [
    { fault: 'exception', ...order, status: 500, originService: 'orders', cause: 'exception' },
    { fault: 'explicit-500', ...order, status: 500, originService: 'orders', cause: 'explicit_5xx' },
    {
      fault: 'wrong-upstream',
      ...order,
      status: 502,
      originService: 'gateway',
      cause: 'upstream_unreachable',
    },
    { fault: 'upstream-timeout', ...order, status: 504, originService: 'gateway', cause: 'upstream_timeout' },
    {
      fault: 'exception',
      method: 'POST',
      path: '/api/checkout',
      status: 500,
      originService: 'orders',
      cause: 'exception',
    },
  ];
  if (database === 'sqlite') {
    // A locked SQLite database is a query that gave up waiting (SQLITE_BUSY), see docs/diagnosis.md.
    cases.push({ fault: 'db-pool', ...order, status: 500, originService: 'orders', cause: 'db_timeout' });
  } else {
    cases.push(
      { fault: 'slow-query', ...order, status: 500, originService: 'orders', cause: 'db_timeout' },
      {
        fault: 'db-pool',
        ...order,
        status: 500,
        originService: 'orders',
        cause: 'db_pool_exhausted',
        settleMs: 1600,
      },
    );
  }
  return cases;
}

/** Defines the suite's tests; the returned function gives the running stack to extra tests. */
export function defineFaultSuite(database: Database, databaseUrl: string | undefined): () => Stack {
  let stack: Stack;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'faultline-demo-test-'));
    const [collectorPort, otlpHttpPort, otlpGrpcPort, gatewayPort, ordersPort, legacyPort, closedPort] =
      await Promise.all(Array.from({ length: 7 }, freePort));
    stack = await startStack({
      ...{ collectorPort: collectorPort!, otlpHttpPort: otlpHttpPort!, otlpGrpcPort: otlpGrpcPort! },
      ...{
        gatewayPort: gatewayPort!,
        ordersPort: ordersPort!,
        legacyPort: legacyPort!,
        closedPort: closedPort!,
      },
      collectorDb: join(dataDir, 'collector.db'),
      ordersSqliteFile: join(dataDir, 'orders.sqlite'),
      databaseUrl,
      logDir: dataDir,
    });
  }, 40_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, 20_000);

  // The switches are shared by the whole stack, so each trigger runs alone; the waits for verdicts overlap.
  let queue: Promise<unknown> = Promise.resolve();
  const alone = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  };

  const setFault = async (name: FaultName, rate: number): Promise<void> => {
    const answer = await forwardFaultSetting(stack.serviceUrls, { name, rate });
    if (answer.statusCode !== 200) throw new Error(`cannot set ${name}: ${JSON.stringify(answer.body)}`);
  };

  const sendWithFault = (c: FaultCase): Promise<{ status: number; traceId: string }> =>
    alone(async () => {
      await setFault(c.fault, 1);
      try {
        const response = await fetch(`${stack.gatewayUrl}${c.path}`, {
          method: c.method,
          headers: c.method === 'POST' ? { 'content-type': 'application/json' } : {},
          body:
            c.method === 'POST' ? JSON.stringify({ customerId: 2, item: 'webcam', quantity: 1 }) : undefined,
        });
        await response.arrayBuffer();
        return { status: response.status, traceId: traceIdOf(response) };
      } finally {
        await setFault(c.fault, 0);
        if (c.settleMs) await new Promise((resolve) => setTimeout(resolve, c.settleMs));
      }
    });

  for (const c of faultCases(database)) {
    it.concurrent(`${c.fault} on ${c.method} ${c.path}: answered ${c.status}, diagnosed as ${c.originService} / ${c.cause}`, async ({
      expect,
    }) => {
      const { status, traceId } = await sendWithFault(c);
      expect(status).toBe(c.status);
      await expect
        .poll(
          async () => {
            const diagnosis = (await fetchTrace(stack.uiUrl, traceId))?.diagnosis;
            // Origin and cause are checked; the summary and rule make a failure say what went wrong.
            return (
              diagnosis &&
              `${diagnosis.originService} / ${diagnosis.cause}: ${diagnosis.summary} [${diagnosis.evidence['matchedRule']}]`
            );
          },
          { timeout: 10_000, interval: 200 },
        )
        .toMatch(new RegExp(`^${c.originService} / ${c.cause}: `));
    });
  }

  it.concurrent('legacy-500: answered 502, diagnosed as an uninstrumented upstream naming the legacy service', async ({
    expect,
  }) => {
    const { status, traceId } = await sendWithFault({
      fault: 'legacy-500',
      method: 'GET',
      path: '/api/recommendations',
      status: 502,
      originService: 'gateway',
      cause: 'uninstrumented_upstream',
    });
    expect(status).toBe(502);
    const legacyAddress = new URL(stack.serviceUrls.legacy).host;
    await expect
      .poll(async () => (await fetchTrace(stack.uiUrl, traceId))?.diagnosis?.cause, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe('uninstrumented_upstream');
    const trace = await fetchTrace(stack.uiUrl, traceId);
    expect(trace?.diagnosis?.evidence['peerAddress']).toBe(legacyAddress);
    expect(trace?.diagnosis?.summary).toContain(legacyAddress);
    // The legacy service runs without the instrumentation: the gateway's spans are all there is.
    expect(trace?.spans.map((span) => span.service)).not.toContain('legacy');
  });

  it.concurrent("an exception in orders leaves orders' error log line in the trace", async ({ expect }) => {
    const { traceId } = await sendWithFault({
      fault: 'exception',
      method: 'GET',
      path: '/api/orders/4',
      status: 500,
      originService: 'orders',
      cause: 'exception',
    });
    await expect
      .poll(
        async () =>
          (await fetchTrace(stack.uiUrl, traceId))?.logs.some(
            (log) => log.service === 'orders' && log.severityNumber >= 17 && log.spanId !== null,
          ),
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);
  });

  it('a healthy request answers 200 with the order and its discounted total', async () => {
    const response = await fetch(`${stack.gatewayUrl}/api/orders/1`);
    expect(response.status).toBe(200);
    // Order 1: one keyboard at 129.00 for Ada, a gold customer (10% off).
    expect(await response.json()).toMatchObject({ id: 1, customerId: 1, totalCents: 11_610 });
    expect(traceIdOf(response)).toMatch(/^[0-9a-f]{32}$/);
  });
  return () => stack;
}
