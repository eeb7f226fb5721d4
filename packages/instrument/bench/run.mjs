// Overhead benchmark: req/s, p99 latency and RSS of a Fastify and an Express app, JSON and
// better-sqlite3 routes, 10 and 50 connections, with no instrumentation, plain OpenTelemetry
// (auto-instrumentations-node/register) and Faultline, all exporting to a real Faultline collector.
//
//   node bench/run.mjs [--seconds 5] [--apps fastify,express] [--connections 10,50]
//
// Needs a built collector (apps/collector/dist); FAULTLINE_TEST_COLLECTOR points at another one.
import {
  cpuMicros,
  load,
  MODES as modes,
  rssMegabytes,
  sleep,
  startApp,
  startCollector,
  stopApp,
} from './harness.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const seconds = Number(arg('seconds', '5'));
const apps = arg('apps', 'fastify,express').split(',');
const connectionCounts = arg('connections', '10,50').split(',').map(Number);
const routes = ['/json', '/db'];

/** Failing traces of `service` the collector holds, polled until `expected` or 10 s of no change. */
async function countFailingTraces(api, service, expected) {
  let count = -1;
  let stableSince = Date.now();
  for (;;) {
    let seen = 0;
    let cursor;
    do {
      const query = new URLSearchParams({ service, errors: 'true', limit: '1000', start: '0' });
      if (cursor) query.set('cursor', cursor);
      const page = await (await fetch(`${api}/api/traces?${query}`)).json();
      seen += page.traces.length;
      cursor = page.nextCursor;
    } while (cursor);
    if (seen !== count) [count, stableSince] = [seen, Date.now()];
    if (count >= expected || Date.now() - stableSince > 10_000) return count;
    await sleep(500);
  }
}

const collector = await startCollector();
const rows = [];
try {
  for (const app of apps) {
    for (const mode of Object.keys(modes)) {
      const { child, port } = await startApp(
        app,
        modes[mode],
        { OTEL_SERVICE_NAME: `${app}-${mode}` },
        collector.otlp,
      );
      // Warm-up: JIT, connection pools, resource detection, first exports.
      const warmUp = await load(port, '/json', 10, 3000);
      for (const route of routes) {
        for (const connections of connectionCounts) {
          const cpuBefore = cpuMicros(child.pid);
          const result = await load(port, route, connections, seconds * 1000);
          const cpuPerRequestUs = (cpuMicros(child.pid) - cpuBefore) / (result.rps * seconds);
          const row = {
            app,
            route,
            connections,
            mode,
            ...result,
            cpuPerRequestUs,
            rssMb: rssMegabytes(child.pid),
          };
          rows.push(row);
          console.error(
            `${app} ${route} c=${connections} ${mode}: ${row.rps.toFixed(0)} req/s, p99 ${row.p99.toFixed(2)} ms, CPU ${row.cpuPerRequestUs.toFixed(0)} us/req, RSS ${row.rssMb.toFixed(0)} MB${row.errors ? `, ${row.errors} errors` : ''}`,
          );
        }
      }
      const failuresSent = rows
        .filter((r) => r.app === app && r.mode === mode)
        .reduce((n, r) => n + r.failuresSent, warmUp.failuresSent);
      await stopApp(child);
      if (mode !== 'none') {
        const stored = await countFailingTraces(collector.api, `${app}-${mode}`, failuresSent);
        for (const row of rows.filter((r) => r.app === app && r.mode === mode))
          row.failing = `${stored}/${failuresSent}`;
        console.error(
          `${app} ${mode}: ${stored} of ${failuresSent} failing requests stored as failing traces`,
        );
      }
    }
  }
} finally {
  collector.stop();
}

console.log(
  '| app | route | conns | none req/s | otel req/s (loss) | faultline req/s (loss) | p99 ms none / otel / faultline | CPU us/req none / otel / faultline | RSS MB none / otel / faultline | failing traces stored otel / faultline |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const app of apps) {
  for (const route of routes) {
    for (const connections of connectionCounts) {
      const cell = (mode) =>
        rows.find(
          (r) => r.app === app && r.route === route && r.connections === connections && r.mode === mode,
        );
      const [none, otel, faultline] = [cell('none'), cell('otel'), cell('faultline')];
      const loss = (r) => `${(100 * (1 - r.rps / none.rps)).toFixed(0)}%`;
      console.log(
        `| ${app} | ${route} | ${connections} | ${none.rps.toFixed(0)} | ${otel.rps.toFixed(0)} (${loss(otel)}) | ${faultline.rps.toFixed(0)} (${loss(faultline)}) | ${[none, otel, faultline].map((r) => r.p99.toFixed(1)).join(' / ')} | ${[none, otel, faultline].map((r) => r.cpuPerRequestUs.toFixed(0)).join(' / ')} | ${[none, otel, faultline].map((r) => r.rssMb.toFixed(0)).join(' / ')} | ${otel.failing} / ${faultline.failing} |`,
      );
    }
  }
}
