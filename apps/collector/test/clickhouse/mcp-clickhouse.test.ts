import { encodeLogsJson, encodeTracesJson } from '@faultline/otlp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, type McpSession } from '../helpers/mcp-client.js';
import { loadRecordedTraces } from '../helpers/recorded-traces.js';
import { type RunningCollector, startCollector } from '../helpers/start-collector.js';
import { clickhouseBackend } from '../helpers/store-backends.js';

// `faultline mcp` reads the query API only, so the ClickHouse store answers an agent as SQLite does:
// the demo's recorded traces go in through the import API, the SDK's client asks over stdio.

let running: RunningCollector;
let mcp: McpSession;

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 }, clickhouseBackend());
  const traces = loadRecordedTraces(BigInt(Date.now()) * 1_000_000n);
  const body = {
    ...encodeTracesJson(traces.flatMap((t) => t.spans)),
    ...encodeLogsJson(traces.flatMap((t) => t.logs)),
  };
  const imported = await fetch(`http://127.0.0.1:${running.port}/api/import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(imported.status).toBe(200);
  mcp = await connectMcp(['--url', `http://127.0.0.1:${running.port}`]);
}, 60_000);

afterAll(async () => {
  await mcp?.close();
  await running?.stop();
});

describe('faultline mcp on the ClickHouse store', () => {
  it('goes from the last 500 to the verdict the API gives, in two calls', async () => {
    const found = await mcp.call('find_traces', { status: 500, limit: 1 });
    expect(found.isError).toBe(false);
    const [latest] = found.structured!['traces'] as { traceId: string }[];
    expect(latest).toBeDefined();
    const answer = await mcp.call('diagnose_trace', { trace: latest!.traceId });
    expect(answer.isError).toBe(false);
    const api = (await (
      await fetch(`http://127.0.0.1:${running.port}/api/traces/${latest!.traceId}`)
    ).json()) as {
      diagnosis: { originSpanId: string; cause: string; nextSteps: string[] };
    };
    expect(api.diagnosis).not.toBeNull();
    expect(answer.structured).toMatchObject({
      failed: true,
      verdict: { originSpanId: api.diagnosis.originSpanId, cause: api.diagnosis.cause },
      nextSteps: api.diagnosis.nextSteps,
    });
  });
});
