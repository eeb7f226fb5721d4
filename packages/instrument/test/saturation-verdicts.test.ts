import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from './harness/app-process.js';
import { startApp } from './harness/app-process.js';
import type { RunningCollector, StoredTrace } from './harness/collector.js';
import { startCollector } from './harness/collector.js';

/*
 * Issue 24 end to end: real services saturate their own processes, @faultline/instrument writes the
 * process picture on their server spans, the real collector diagnoses the traces. Each scenario asserts
 * the verdict's words and evidence; a healthy pair under ordinary load never gets saturation evidence.
 */

interface Verdict {
  originService: string;
  originSpanId: string;
  cause: string;
  summary: string;
  nextSteps: string[];
  evidence: {
    saturation?: {
      role: string;
      service: string;
      saturated: string[];
      eventLoopDelayMaxMs?: number;
      eventLoopUtilization?: number;
      heapUsedBytes?: number;
      heapLimitBytes?: number;
      cpuUtilization?: number;
    };
    startLagMs?: number;
  };
  processes?: { service: string; saturated: string[] }[];
}

const verdictOf = (trace: StoredTrace) => trace.diagnosis as Verdict | null;

let collector: RunningCollector;
const running: AppProcess[] = [];

beforeAll(async () => {
  collector = await startCollector();
});
afterAll(async () => {
  for (const app of running) await app.stop();
  await collector?.stop();
});

async function start(script: string, service: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const app = await startApp(script, {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpHttpUrl, OTEL_SERVICE_NAME: service, ...env },
  });
  running.push(app);
  return app;
}

/** A gateway in front of a fresh pricing process; `pricingEnv` adds to pricing's environment. */
async function gatewayAndPricing(pricingEnv: Record<string, string> = {}) {
  const pricing = await start('saturation-verdicts-pricing.cjs', 'pricing', pricingEnv);
  const gateway = await start('saturation-verdicts-gateway.cjs', 'gateway', { PRICING_URL: pricing.url });
  return { pricing, gateway };
}

/** Waits until the trace's verdict satisfies `until` (late spans re-finalize it). */
async function verdictWhen(
  traceId: string,
  until: (v: Verdict) => boolean,
  timeoutMs = 15_000,
): Promise<Verdict> {
  const trace = await collector.waitForTrace(
    traceId,
    (t) => {
      const v = verdictOf(t);
      return v !== null && until(v);
    },
    timeoutMs,
  );
  return verdictOf(trace)!;
}

describe('saturation in the verdict, with real processes', () => {
  it("a blocked event loop: the gateway's 300 ms call times out, the verdict names pricing's blocked loop", async () => {
    const { pricing, gateway } = await gatewayAndPricing();
    // Answered before the block begins, so the block is under way when the gateway calls.
    expect((await pricing.get('/rebuild?ms=1400')).status).toBe(200);
    const response = await gateway.get('/api/quote?timeout=300');
    expect(response.status).toBe(500);

    const v = await verdictWhen(response.traceId!, (d) => d.originService === 'pricing');
    expect(v.cause).toBe('upstream_timeout');
    // Pricing parsed the request after the gateway had gone, so it never reached its router: its path names it.
    expect(v.summary).toMatch(
      /^500 originated in pricing › GET \/price\/42: pricing's event loop was blocked for 1\.\d s/,
    );
    // The fetch span starts once undici dispatches the request, a little after the 300 ms deadline began.
    expect(v.summary).toMatch(/the call from gateway timed out after \d+ ms waiting for it\.$/);
    expect(v.evidence.saturation).toMatchObject({ role: 'callee', service: 'pricing' });
    expect(v.evidence.saturation!.saturated).toContain('event_loop_blocked');
    expect(v.evidence.saturation!.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(1000);
    // Pricing parsed the request only when its loop came back: after the gateway had given up.
    expect(v.evidence.saturation!.saturated).toContain('late_start');
    expect(v.evidence.startLagMs).toBeGreaterThanOrEqual(300);
    expect(v.nextSteps[0]).toMatch(/synchronous work that held pricing's event loop/);
    expect(v.processes?.find((p) => p.service === 'gateway')?.saturated).toEqual([]);
  });

  it("a heap near its limit: pricing's own failure keeps its cause, with the heap as evidence", async () => {
    // 48 MiB for old objects; the guard refuses new entries past 93 % of them (V8 aborts at about 49 MiB).
    const { gateway } = await gatewayAndPricing({
      NODE_OPTIONS: '--max-old-space-size=48',
      MAX_HEAP_USED_BYTES: String(Math.round(0.93 * 48 * 1024 * 1024)),
    });
    // Fill pricing's cache through the gateway until pricing refuses (the deadline bounds the loop,
    // not an assertion); the refused request is the failure under test.
    const deadline = Date.now() + 30_000;
    let response = await gateway.get('/api/quote?path=/remember&timeout=5000');
    while (response.status === 200) {
      if (Date.now() > deadline) throw new Error('pricing never neared its heap limit');
      response = await gateway.get('/api/quote?path=/remember&timeout=5000');
    }
    expect(response.status).toBe(500);

    const v = await verdictWhen(response.traceId!, (d) => d.originService === 'pricing');
    expect(v.cause).toBe('exception');
    expect(v.summary).toMatch(/unhandled Error: heap nearly full/);
    // Near its limit the heap is collected over and over, so the loop is often busy and GC heavy too.
    expect(v.summary).toMatch(/ When it failed, pricing/);
    expect(v.summary).toMatch(/pricing's heap was at 9\d% of its limit \(4\d of 48 MiB\)/);
    expect(v.evidence.saturation).toMatchObject({ role: 'own', service: 'pricing' });
    expect(v.evidence.saturation!.saturated).toContain('heap_near_limit');
    // The 48 MiB the process was given for old objects, whatever V8's own limit counts on this Node
    // version for the young generation (96 MiB reported on Node 20 and 22, 240 on 24, 144 on 26).
    expect(v.evidence.saturation!.heapLimitBytes).toBe(48 * 1024 * 1024);
    expect(v.nextSteps.some((s) => /--max-old-space-size/.test(s))).toBe(true);
  });

  it('a CPU-bound burst: quotes queue behind each other, the calls time out, the verdict names pricing busy', async () => {
    const { gateway } = await gatewayAndPricing();
    // 12 quotes of 400 ms of CPU each at once, each call with a 1 s deadline: pricing works through
    // them one at a time for about 5 s, and all but the first two calls give up.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => gateway.get('/api/quote?path=/crunch%3Fms%3D400&timeout=1000')),
    );
    const failed = answers.filter((a) => a.status === 500).map((a) => a.traceId!);
    expect(failed.length).toBeGreaterThanOrEqual(6);

    // Pricing's spans arrive as it gets to each request; read every verdict once pricing's span is in.
    const verdicts: Verdict[] = [];
    for (const traceId of failed) {
      const trace = await collector.waitForTrace(
        traceId,
        (t) => t.spans.some((s) => s.service === 'pricing') && verdictOf(t) !== null,
        20_000,
      );
      verdicts.push(verdictOf(await collector.waitForTrace(trace.traceId))!);
    }
    // The calls that gave up once pricing had been busy for its whole window name pricing; the first to
    // give up may not (a second of busy loop in a 3-4 s window is not yet saturation).
    const named = verdicts.filter((v) => v.originService === 'pricing');
    expect(named.length).toBeGreaterThanOrEqual(1);
    for (const v of named) {
      expect(v.cause).toBe('upstream_timeout');
      expect(v.evidence.saturation).toMatchObject({ role: 'callee', service: 'pricing' });
      expect(v.summary).toMatch(/^500 originated in pricing › GET \/crunch: pricing/);
      // The call gave up at its 1 s timeout, as the span clock measured it (998 ms reads "998 ms").
      const waited = /the call from gateway timed out after (\d+(?:\.\d)?) (ms|s) waiting for it\.$/.exec(
        v.summary,
      );
      expect(waited).not.toBeNull();
      const waitedMs = Number(waited![1]) * (waited![2] === 's' ? 1000 : 1);
      expect(waitedMs).toBeGreaterThanOrEqual(950);
      expect(waitedMs).toBeLessThanOrEqual(1100);
    }
    const busiest = named.reduce((a, b) =>
      (a.evidence.saturation!.eventLoopUtilization ?? 0) >= (b.evidence.saturation!.eventLoopUtilization ?? 0)
        ? a
        : b,
    );
    // Whether the CPU share reaches 0.9 depends on what else the machine runs; the loop's utilization
    // is wall time, so the busy loop is asserted.
    expect(busiest.evidence.saturation!.saturated).toContain('event_loop_blocked');
    expect(busiest.summary).toMatch(
      /pricing's event loop was (busy \d+% of the time \(p99 delay \d+ ms\)|blocked for)/,
    );
  });

  it('healthy processes under ordinary load never get saturation evidence', async () => {
    const { gateway } = await gatewayAndPricing();
    const failing: string[] = [];
    // 60 requests, 6 at a time, one in five failing in pricing: verdicts with process pictures.
    for (let round = 0; round < 10; round++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          gateway.get(`/api/quote?path=${(round * 6 + i) % 5 === 0 ? '/fail' : '/price/7'}&timeout=2000`),
        ),
      );
      for (const a of answers) if (a.status === 500) failing.push(a.traceId!);
    }
    expect(failing).toHaveLength(12);
    for (const traceId of failing) {
      // Both services' spans in (either may arrive first; the verdict is taken again when the other does).
      const v = await verdictWhen(traceId, (d) => (d.processes ?? []).length === 2);
      expect(v.originService).toBe('pricing');
      expect(v.cause).toBe('exception');
      expect(v.evidence.saturation).toBeUndefined();
      expect(v.evidence.startLagMs).toBeUndefined();
      expect(v.summary).not.toMatch(/When it failed|event loop|heap was|CPU was|garbage|only started/);
      // Whole pictures, so a failure shows the figures that crossed a threshold.
      expect(v.processes!.filter((p) => p.saturated.length > 0)).toEqual([]);
      expect(v.processes!.map((p) => p.service)).toEqual(['gateway', 'pricing']);
    }
  });
});
