import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE, sendHostileFailingRequest } from './helpers/hostile-trace.js';
import { connectMcp, type McpSession } from './helpers/mcp-client.js';
import { sendBigFailingTrace } from './helpers/send-big-failing-trace.js';
import { sendOrdersRequest } from './helpers/send-failing-request.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

// `faultline mcp` end to end: the SDK's own client spawns the built CLI over stdio; the collector is
// real (SQLite file, HTTP API) and fed through the official OTLP exporter.

const TOOLS = [
  'compare_with_success',
  'diagnose_trace',
  'find_traces',
  'get_span',
  'incident_report',
  'list_failures',
  'what_differs',
];

let running: RunningCollector;
let mcp: McpSession;
let failing: { traceId: string; originSpanId: string };
let hostileTraceId: string;
let big: { traceId: string; originSpanId: string };

/** Polls `check` until it returns a value, up to a deadline. */
async function poll<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the collector has diagnosed and grouped a trace (the failures list names it). */
const diagnosed = (traceId: string) =>
  poll(`the diagnosis of ${traceId}`, async () => {
    const answer = await fetch(`http://127.0.0.1:${running.port}/api/traces?errors=true&limit=100`);
    const { traces } = (await answer.json()) as { traces: { traceId: string; group: string | null }[] };
    return traces.find((t) => t.traceId === traceId && t.group !== null) ? true : undefined;
  });

/** Characters a terminal or a model would read as structure: C0 controls but LF, DEL and C1. */
const controls = (text: string) =>
  [...text].filter((c) => {
    const code = c.codePointAt(0)!;
    return (code < 0x20 && code !== 0x0a) || (code >= 0x7f && code <= 0x9f);
  });

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
  big = await sendBigFailingTrace(running.otlpHttpPort, 10_000, 40);
  ({ traceId: hostileTraceId } = await sendHostileFailingRequest(running.otlpHttpPort));
  await sendOrdersRequest(running.otlpHttpPort, '1.0.0', false);
  // The last request, the one that answered 500.
  failing = await sendOrdersRequest(running.otlpHttpPort, '1.0.1', true);
  await Promise.all([diagnosed(big.traceId), diagnosed(hostileTraceId), diagnosed(failing.traceId)]);
  mcp = await connectMcp(['--url', `http://127.0.0.1:${running.port}`]);
}, 120_000);

afterAll(async () => {
  await mcp?.close();
  await running?.stop();
});

describe('faultline mcp over stdio, driven by the SDK client', () => {
  it('lists the seven tools, each with a description and a JSON-schema input', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe('object');
      expect(Object.keys(tool.inputSchema.properties ?? {}).length).toBeGreaterThan(0);
    }
    const diagnose = tools.find((t) => t.name === 'diagnose_trace')!;
    expect(diagnose.inputSchema.required).toEqual(['trace']);
  });

  it('goes from "the last request answered 500" to origin, cause, evidence and next steps in two calls', async () => {
    const found = await mcp.call('find_traces', { status: 500, limit: 1 });
    expect(found.isError).toBe(false);
    const traces = found.structured!['traces'] as { traceId: string }[];
    expect(traces.map((t) => t.traceId)).toEqual([failing.traceId]);

    const answer = await mcp.call('diagnose_trace', { trace: traces[0]!.traceId });
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({
      traceId: failing.traceId,
      failed: true,
      verdict: { cause: 'exception', originService: 'orders', originSpanId: failing.originSpanId },
      evidence: {
        exception: { type: 'TypeError', message: "Cannot read properties of undefined (reading 'total')" },
        inAppFrames: [{ functionName: 'priceOrder', file: '/srv/orders/src/pricing.js', line: 42 }],
      },
    });
    expect((answer.structured!['nextSteps'] as string[]).length).toBeGreaterThan(0);
    const path = answer.structured!['path'] as { role: string; service: string }[];
    expect(path.map((s) => s.role)).toEqual(['entry', 'propagated', 'origin']);
    // The text says the same for an agent that reads only text.
    expect(answer.text).toContain('unhandled exception');
    expect(answer.text).toContain('"/srv/orders/src/pricing.js:42:17"');
    expect(answer.text).toContain('Next steps:');
  });

  it('takes the traceresponse header as curl -i prints it', async () => {
    const header = `traceresponse: 00-${failing.traceId.toUpperCase()}-00f067aa0ba902b7-01\r\n`;
    const answer = await mcp.call('diagnose_trace', { trace: header });
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({ traceId: failing.traceId, verdict: { cause: 'exception' } });
  });

  it('lists failure groups with a sample trace, and says what differs about one', async () => {
    const answer = await mcp.call('list_failures', { window: '1h', service: 'orders' });
    expect(answer.isError).toBe(false);
    const groups = answer.structured!['groups'] as {
      fingerprint: string;
      sampleTraceId: string;
      cause: string;
    }[];
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ sampleTraceId: failing.traceId, cause: 'exception' });
    const differs = await mcp.call('what_differs', { group: groups[0]!.fingerprint });
    expect(differs.isError).toBe(false);
    expect(differs.structured).toMatchObject({ group: groups[0]!.fingerprint, failingCount: 1 });
  });

  it('answers span details, the comparison with a success and the incident report', async () => {
    const span = await mcp.call('get_span', { trace: failing.traceId, spanId: failing.originSpanId });
    expect(span.isError).toBe(false);
    expect(span.structured).toMatchObject({ spanId: failing.originSpanId, service: 'orders' });
    expect(span.text).toContain('"exception"');

    const compared = await mcp.call('compare_with_success', { trace: failing.traceId });
    expect(compared.isError).toBe(false);
    expect(compared.structured!['baselineTraceId']).toMatch(/^[0-9a-f]{32}$/);

    const report = await mcp.call('incident_report', { trace: failing.traceId });
    expect(report.isError).toBe(false);
    expect(report.text).toMatch(/^# Incident: 500/);
  });

  it('keeps a 10,000-span trace to its failing path, origin and neighbours, saying what it cut', async () => {
    const answer = await mcp.call('diagnose_trace', { trace: big.traceId });
    expect(answer.isError).toBe(false);
    expect(answer.structured).toMatchObject({
      spanCount: 10_000,
      verdict: { originSpanId: big.originSpanId, cause: 'db_error' },
      evidence: { dbErrorCode: '42P01' },
    });
    const path = answer.structured!['path'] as { role: string }[];
    expect(path.at(0)!.role).toBe('entry');
    expect(path.at(-1)!.role).toBe('origin');
    expect(path.length).toBeLessThan(42);
    const cut = answer.structured!['cut'] as string[];
    expect(cut.some((note) => /spans in the middle of the failing path not shown/.test(note))).toBe(true);
    expect(cut.some((note) => /more siblings of the origin not shown/.test(note))).toBe(true);
    expect(answer.text.length).toBeLessThan(16_500);
    expect(JSON.stringify(answer.structured).length).toBeLessThan(40_000);
  });

  it('quotes hostile span data as JSON strings: no control characters, no line of its own', async () => {
    const answer = await mcp.call('diagnose_trace', { trace: hostileTraceId });
    expect(answer.isError).toBe(false);
    expect(HOSTILE).toContain('\n# heading');
    expect(controls(answer.text)).toEqual([]);
    // Every line the span data could have started is inside a quoted value instead.
    for (const line of answer.text.split('\n')) {
      expect(line).not.toMatch(/^(# heading|1\. item|---|> quote|\s+indented)/);
    }
    expect(answer.text).toContain('\\n# heading');
    expect(answer.text).toContain('^[]52;c;ZXZpbA==^G');
    expect(answer.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(controls(JSON.stringify(answer.structured))).toEqual([]);
    const span = await mcp.call('get_span', {
      trace: hostileTraceId,
      spanId: (answer.structured!['verdict'] as { originSpanId: string }).originSpanId,
    });
    expect(controls(span.text)).toEqual([]);
    for (const line of span.text.split('\n')) expect(line).not.toMatch(/^(# heading|1\. item|> quote)/);
  });
});

describe('faultline mcp --help', () => {
  const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/faultline.js');
  const run = promisify(execFile);

  it('explains the server, its flags, its tools and how to register it; faultline --help names it', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'mcp', '--help']);
    expect(stdout).toContain('Usage: faultline mcp [--url URL]');
    expect(stdout).toContain('FAULTLINE_URL');
    expect(stdout).toContain('FAULTLINE_TOKEN');
    for (const tool of TOOLS) expect(stdout).toContain(tool);
    expect(stdout).toContain('"mcpServers"');
    const main = await run(process.execPath, [BIN, '--help']);
    expect(main.stdout).toContain('faultline mcp');
  });

  it('refuses an unknown flag on stderr with exit code 2, stdout left to the protocol', async () => {
    const failed = await run(process.execPath, [BIN, 'mcp', '--nope']).catch((error: unknown) => error);
    expect(failed).toMatchObject({ code: 2, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain('Usage: faultline mcp');
  });
});

describe('faultline mcp errors: clear tool error text, never a stack trace', () => {
  const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |Error:|node:internal/);

  it('refuses a malformed trace id and names an unknown one', async () => {
    const bad = await mcp.call('diagnose_trace', { trace: 'not-a-trace' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toContain('"not-a-trace" is not a trace id');
    noStack(bad.text);
    const unknown = await mcp.call('diagnose_trace', { trace: 'a'.repeat(32) });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain(`no trace ${'a'.repeat(32)} is stored`);
    noStack(unknown.text);
    const badSpan = await mcp.call('get_span', { trace: failing.traceId, spanId: 'zz' });
    expect(badSpan.isError).toBe(true);
    expect(badSpan.text).toContain('is not a span id');
  });

  it('says the collector cannot be reached', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const offline = await connectMcp(['--url', `http://127.0.0.1:${port}`]);
    try {
      const answer = await offline.call('list_failures', {});
      expect(answer.isError).toBe(true);
      expect(answer.text).toContain(
        `cannot reach the collector at http://127.0.0.1:${port}: connection refused`,
      );
      noStack(answer.text);
    } finally {
      await offline.close();
    }
  });

  it('says when the token is missing or does not match, and works with the right one', async () => {
    const guarded = await startCollector({ token: 'right-token' });
    const url = `http://127.0.0.1:${guarded.port}`;
    const sessions = await Promise.all([
      connectMcp(['--url', url], { FAULTLINE_TOKEN: 'wrong-token' }),
      connectMcp(['--url', url]),
      connectMcp([], { FAULTLINE_URL: url, FAULTLINE_TOKEN: 'right-token' }),
    ]);
    try {
      const [wrong, none, right] = await Promise.all(sessions.map((s) => s.call('find_traces', {})));
      expect(wrong!.isError).toBe(true);
      expect(wrong!.text).toContain('refused FAULTLINE_TOKEN (401): it does not match');
      expect(none!.isError).toBe(true);
      expect(none!.text).toContain('requires a token (401): set FAULTLINE_TOKEN');
      noStack(wrong!.text);
      expect(right!.isError).toBe(false);
      expect(right!.text).toContain('No trace(s) found');
    } finally {
      await Promise.all(sessions.map((s) => s.close()));
      await guarded.stop();
    }
  });
});
