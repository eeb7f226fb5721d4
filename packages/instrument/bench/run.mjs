// Overhead benchmark: req/s, p99 latency and RSS of a Fastify and an Express app, JSON and
// better-sqlite3 routes, 10 and 50 connections, with no instrumentation, plain OpenTelemetry
// (auto-instrumentations-node/register) and Faultline, all exporting to a real Faultline collector.
//
//   node bench/run.mjs [--seconds 5] [--apps fastify,express] [--connections 10,50] [--rounds 3]
//
// Every round starts each app in each mode afresh (in a rotated order); the table gives the median of
// the rounds, since this VM's speed drifts by up to 2x within minutes (one run of each mode, one after
// the other, put "none" anywhere between 8.2k and 9.8k req/s).
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
const rounds = Number(arg('rounds', '3'));
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
/** Failing requests sent and failing traces stored, by `${app} ${mode}`, over every round. */
const failing = new Map();
try {
  for (let round = 0; round < rounds; round += 1) {
    // Each round starts the modes in another order, so a machine that speeds up or slows down
    // during the run does not favour the mode that always goes first.
    const order = Object.keys(modes).map((_, i, names) => names[(i + round) % names.length]);
    for (const app of apps) {
      for (const mode of order) {
        const service = `${app}-${mode}-${round + 1}`;
        const { child, port } = await startApp(
          app,
          modes[mode],
          { OTEL_SERVICE_NAME: service },
          collector.otlp,
        );
        // Warm-up: JIT, connection pools, resource detection, first exports.
        const warmUp = await load(port, '/json', 10, 3000);
        let failuresSent = warmUp.failuresSent;
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
              round,
              ...result,
              cpuPerRequestUs,
              rssMb: rssMegabytes(child.pid),
            };
            rows.push(row);
            failuresSent += row.failuresSent;
            console.error(
              `round ${round + 1}/${rounds} ${app} ${route} c=${connections} ${mode}: ${row.rps.toFixed(0)} req/s, p99 ${row.p99.toFixed(2)} ms, CPU ${row.cpuPerRequestUs.toFixed(0)} us/req, RSS ${row.rssMb.toFixed(0)} MB${row.errors ? `, ${row.errors} errors` : ''}`,
            );
          }
        }
        await stopApp(child);
        if (mode !== 'none') {
          const stored = await countFailingTraces(collector.api, service, failuresSent);
          const total = failing.get(`${app} ${mode}`) ?? { stored: 0, sent: 0 };
          failing.set(`${app} ${mode}`, { stored: total.stored + stored, sent: total.sent + failuresSent });
          console.error(`${service}: ${stored} of ${failuresSent} failing requests stored as failing traces`);
        }
      }
    }
  }
} finally {
  collector.stop();
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

console.log(
  `Median of ${rounds} round${rounds === 1 ? '' : 's'} (each round starts every mode afresh, in a rotated order); loss of req/s against none, from the medians; per-round losses after the table.\n`,
);
console.log(
  '| app | route | conns | none req/s | otel req/s (loss) | faultline req/s (loss) | p99 ms none / otel / faultline | CPU us/req none / otel / faultline | RSS MB none / otel / faultline | failing traces stored otel / faultline |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
const perRound = [];
for (const app of apps) {
  for (const route of routes) {
    for (const connections of connectionCounts) {
      const runs = (mode) =>
        rows.filter(
          (r) => r.app === app && r.route === route && r.connections === connections && r.mode === mode,
        );
      const cell = (mode) => {
        const of = runs(mode);
        const field = (name) => median(of.map((r) => r[name]));
        return {
          rps: field('rps'),
          p99: field('p99'),
          cpuPerRequestUs: field('cpuPerRequestUs'),
          rssMb: field('rssMb'),
        };
      };
      const [none, otel, faultline] = [cell('none'), cell('otel'), cell('faultline')];
      const loss = (r) => `${(100 * (1 - r.rps / none.rps)).toFixed(0)}%`;
      const stored = (mode) => {
        const total = failing.get(`${app} ${mode}`);
        return total ? `${total.stored}/${total.sent}` : '-';
      };
      console.log(
        `| ${app} | ${route} | ${connections} | ${none.rps.toFixed(0)} | ${otel.rps.toFixed(0)} (${loss(otel)}) | ${faultline.rps.toFixed(0)} (${loss(faultline)}) | ${[none, otel, faultline].map((r) => r.p99.toFixed(1)).join(' / ')} | ${[none, otel, faultline].map((r) => r.cpuPerRequestUs.toFixed(0)).join(' / ')} | ${[none, otel, faultline].map((r) => r.rssMb.toFixed(0)).join(' / ')} | ${stored('otel')} / ${stored('faultline')} |`,
      );
      const roundLoss = (mode) =>
        runs(mode)
          .map((r) => {
            const base = runs('none').find((n) => n.round === r.round);
            return `${(100 * (1 - r.rps / base.rps)).toFixed(0)}%`;
          })
          .join(' ');
      perRound.push(
        `${app} ${route} c=${connections}: otel ${roundLoss('otel')}; faultline ${roundLoss('faultline')}`,
      );
    }
  }
}
if (rounds > 1) console.log(`\nLoss in each round:\n${perRound.map((line) => `- ${line}`).join('\n')}`);
