// Ingest by protocol: the same 512-span batches (official serializers, fresh ids per request) sent
// as OTLP/HTTP protobuf, OTLP/HTTP JSON and OTLP/gRPC, 2 connections, each to a fresh collector
// with an empty database. Reports spans/s, ack p50/p99 and each protocol's ratio to HTTP protobuf
// measured in the same run (runs interleave the protocols, so a noisy minute hits all of them).
// Env: BENCH_SECONDS (20), BENCH_RUNS (3).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { startCollector } from './lib/collector.mjs';
import { makeTemplate } from './lib/payloads.mjs';
import { fmt, median, quantile } from './lib/stats.mjs';

const require = createRequire(import.meta.url);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = 2;
const EXPORT_METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** The protobuf template's spans as OTLP/JSON, with fresh hex ids on every `stamp()`. */
function jsonTemplate(protobuf) {
  const text = Buffer.from(JsonTraceSerializer.serializeRequest(protobuf.spans)).toString();
  const ids = new Set();
  for (const span of protobuf.spans) ids.add(span.spanContext().traceId).add(span.spanContext().spanId);
  // Split the text at every id once; stamping joins the pieces with fresh ids of the same length.
  const pattern = new RegExp([...ids].join('|'), 'g');
  const pieces = text.split(pattern);
  const slots = text.match(pattern);
  return {
    stamp() {
      const fresh = new Map();
      let out = pieces[0];
      for (let i = 0; i < slots.length; i++) {
        let id = fresh.get(slots[i]);
        if (id === undefined) {
          id = randomBytes(slots[i].length / 2).toString('hex');
          fresh.set(slots[i], id);
        }
        out += id + pieces[i + 1];
      }
      return out;
    },
  };
}

function httpSender(port, contentType) {
  return async (body) => {
    const response = await fetch(`http://127.0.0.1:${port}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    await response.arrayBuffer();
    return response.status === 200;
  };
}

/** One gRPC channel per connection, sending the protobuf bytes as they are. */
function grpcSenders(port) {
  const grpc = require('@grpc/grpc-js');
  const identity = (value) => value;
  const Client = grpc.makeGenericClientConstructor({
    Export: {
      path: EXPORT_METHOD,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      responseDeserialize: identity,
    },
  });
  const clients = Array.from(
    { length: CONNECTIONS },
    () =>
      new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1, // a connection each, like the HTTP loops
      }),
  );
  return {
    clients,
    send: (index) => (body) =>
      new Promise((resolve) => clients[index].Export(body, (error) => resolve(error === null))),
  };
}

/** Sends from `senders` (one loop each) for `seconds`; returns spans/s and ack latencies. */
async function drive(senders, stamp, spansPerBatch, seconds) {
  const latencies = [];
  let spans = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    senders.map(async (send) => {
      while (performance.now() < deadline) {
        const body = stamp();
        const t = performance.now();
        const ok = await send(body);
        latencies.push(performance.now() - t);
        if (ok) spans += spansPerBatch;
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    spansPerSecond: spans / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    failed,
  };
}

export async function runIngestProtocols() {
  const protobuf = makeTemplate(512);
  const json = jsonTemplate(protobuf);
  const protocols = {
    'HTTP protobuf': (collector) => ({
      senders: Array(CONNECTIONS).fill(httpSender(collector.otlpHttpPort, 'application/x-protobuf')),
      stamp: () => protobuf.stamp(),
    }),
    'HTTP JSON': (collector) => ({
      senders: Array(CONNECTIONS).fill(httpSender(collector.otlpHttpPort, 'application/json')),
      stamp: () => json.stamp(),
    }),
    gRPC: (collector) => {
      const grpc = grpcSenders(collector.otlpGrpcPort);
      return {
        senders: grpc.clients.map((_, i) => grpc.send(i)),
        stamp: () => protobuf.stamp(),
        close: () => {
          for (const client of grpc.clients) client.close();
        },
      };
    },
  };
  const results = Object.fromEntries(Object.keys(protocols).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, setup] of Object.entries(protocols)) {
      const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-protocols-'));
      const collector = await startCollector(join(dir, 'bench.db'));
      const client = setup(collector);
      const result = await drive(client.senders, client.stamp, protobuf.spanCount, SECONDS);
      client.close?.();
      result.peakRssMiB = collector.peakRssMiB();
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
      results[name].push(result);
      console.error(
        `run ${run + 1} ${name}: ${fmt(result.spansPerSecond)} spans/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms${result.failed ? `, ${result.failed} failed` : ''}`,
      );
    }
  }
  return results;
}

export function ingestProtocolsTable(results) {
  const lines = [
    `| protocol | spans/s (median of ${RUNS}) | ack p50 ms | ack p99 ms | / HTTP protobuf (per-run median) | peak RSS MiB | failed |`,
    '|---|---|---|---|---|---|---|',
  ];
  const baseline = results['HTTP protobuf'];
  for (const [name, runs] of Object.entries(results)) {
    const ratios = runs.map((r, i) => r.spansPerSecond / baseline[i].spansPerSecond);
    lines.push(
      `| ${name} | ${fmt(median(runs.map((r) => r.spansPerSecond)))} | ${median(runs.map((r) => r.p50)).toFixed(1)} | ${median(runs.map((r) => r.p99)).toFixed(1)} | ${median(ratios).toFixed(2)} | ${median(runs.map((r) => r.peakRssMiB)).toFixed(0)} | ${runs.reduce((n, r) => n + r.failed, 0)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ingestProtocolsTable(await runIngestProtocols()));
}
