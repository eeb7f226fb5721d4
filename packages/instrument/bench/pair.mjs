// Paired overhead benchmark: the app CPU time per request of two configurations, measured side by
// side. This VM's speed drifts by up to 2x within minutes, so req/s of runs made one after the other
// (run.mjs) compare poorly; two apps serving at the same moment, pinned to the same CPU, see the same
// machine. The collector and the load generator run on CPU 0, both apps on CPU 1 (Linux, `taskset`).
//
//   node bench/pair.mjs [--app fastify] [--route /json] [--a none] [--b faultline]
//                       [--a-env K=V,K=V] [--b-env K=V] [--a-require file] [--b-require file] [--connections 10] [--seconds 5] [--rounds 5] [--solo]
//
// Every round starts both apps afresh. Modes: none, otel (auto-instrumentations-node/register),
// faultline. Prints each round's CPU
// microseconds per request of A and B and B/A, then the median B/A. For a CPU-bound app the share of
// req/s B loses against A is about 1 - 1/(B/A). With --solo each round runs A and B one after the
// other, each with CPU 1 to itself, and prints the median req/s A/B and the median CPU per request B/A. Needs a built collector (apps/collector/dist).
// Load comes from `wrk` when it is installed (`apt-get install wrk`): it keeps both apps saturated, as
// run.mjs's measurement of req/s needs. Without it the Node load generator of run.mjs drives them,
// which cannot saturate two apps from one CPU: the figures then describe a lightly loaded app, where
// every request pays more of the fixed costs per event-loop turn (for Faultline: a higher B/A).
import { execFile, execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { cpuMicros, load, MODES, startApp, startCollector, stopApp } from './harness.mjs';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const envOf = (list) =>
  Object.fromEntries(
    (list ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
const app = arg('app', 'fastify');
const route = arg('route', '/json');
const sides = ['a', 'b'].map((name) => ({
  label: name.toUpperCase(),
  mode: arg(name, name === 'a' ? 'none' : 'faultline'),
  env: envOf(arg(`${name}-env`)),
  // Another build to compare, e.g. a copy of dist/ from before a change: --a-require ./dist-old/register.js
  require: arg(`${name}-require`),
}));
const connections = Number(arg('connections', '10'));
const seconds = Number(arg('seconds', '5'));
const rounds = Number(arg('rounds', '5'));
// --solo: each round runs A, then B (alternating which goes first), each with the app CPU to itself,
// and compares req/s: the issue's own measure, with drift cancelled by alternation. Side by side (the
// default) compares CPU per request; sharing one CPU, two processes evict each other's caches, which
// magnifies differences in code footprint (a 2-3 µs instrumentation measured 12-17 µs side by side).
const solo = args.includes('--solo');
for (const side of sides) {
  if (!(side.mode in MODES)) throw new Error(`unknown mode "${side.mode}": none, otel or faultline`);
}

const canPin = os.platform() === 'linux' && os.availableParallelism() >= 2 && hasCommand('taskset', '-V');
const useWrk = hasCommand('wrk', '-v');
const [loadCpu, appCpu] = canPin ? [0, 1] : [undefined, undefined];
if (canPin) execFileSync('taskset', ['-p', '-c', String(loadCpu), String(process.pid)], { stdio: 'ignore' });
else console.error('taskset or a second CPU is missing: running unpinned, expect more noise');

const describe = (side) =>
  `${side.require ? `--require ${side.require}` : side.mode}${
    Object.keys(side.env).length
      ? ` (${Object.entries(side.env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')})`
      : ''
  }`;
console.log(
  `${app} ${route}, ${connections} connections each, ${seconds} s rounds, load from ${useWrk ? 'wrk' : 'the Node load generator'}`,
);
console.log(`A: ${describe(sides[0])}\nB: ${describe(sides[1])}`);

const collector = await startCollector(loadCpu);
try {
  const ratios = [];
  const cpuRatios = [];
  for (let round = 1; round <= rounds; round += 1) {
    // Fresh processes every round: two processes of the same configuration can settle 10-20% apart
    // (JIT decisions), which only shows across processes.
    const order = round % 2 === 1 ? sides : [...sides].reverse();
    // Side by side both at once; solo one after the other, each with the app CPU to itself.
    const groups = solo ? order.map((side) => [side]) : [order];
    const measured = [];
    for (const group of groups) {
      for (const [side, result] of await measure(group)) measured[sides.indexOf(side)] = result;
    }
    const perRequest = measured.map((m) => m.cpuPerRequest);
    const ratio = solo ? measured[0].rps / measured[1].rps : perRequest[1] / perRequest[0];
    ratios.push(ratio);
    cpuRatios.push(perRequest[1] / perRequest[0]);
    console.log(
      `round ${round}: A ${perRequest[0].toFixed(1)} us/req (${measured[0].rps.toFixed(0)} req/s), ` +
        `B ${perRequest[1].toFixed(1)} us/req (${measured[1].rps.toFixed(0)} req/s), ` +
        `${solo ? 'req/s A/B' : 'B/A'} ${ratio.toFixed(3)}`,
    );
  }
  const median = medianOf(ratios);
  console.log(
    solo
      ? `median req/s A/B ${median.toFixed(3)}: B loses about ${(100 * (1 - 1 / median)).toFixed(0)}% of A's req/s; ` +
          // req/s alone moves with CPU steal on a VM; CPU per request does not.
          `median CPU per request B/A ${medianOf(cpuRatios).toFixed(3)}`
      : `median B/A ${median.toFixed(3)}: B loses about ${(100 * (1 - 1 / median)).toFixed(0)}% of A's req/s on a busy CPU`,
  );
} finally {
  collector.stop();
}

function medianOf(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Starts the sides' apps afresh, warms them, loads them at once; their req/s and CPU per request. */
async function measure(group) {
  const running = [];
  try {
    for (const side of group) {
      const env = { OTEL_SERVICE_NAME: `${app}-${side.label.toLowerCase()}-${side.mode}`, ...side.env };
      const nodeArgs = side.require ? ['--require', path.resolve(side.require)] : MODES[side.mode];
      running.push(await startApp(app, nodeArgs, env, collector.otlp, appCpu));
    }
    // Warm-up: JIT, connection pools, resource detection, first exports.
    await Promise.all(running.map(({ port }) => drive(port, 3)));
    const before = running.map(({ child }) => cpuMicros(child.pid));
    const results = await Promise.all(running.map(({ port }) => drive(port, seconds)));
    return group.map((side, i) => [
      side,
      {
        rps: results[i].rps,
        cpuPerRequest: (cpuMicros(running[i].child.pid) - before[i]) / (results[i].rps * seconds),
      },
    ]);
  } finally {
    await Promise.all(running.map(({ child }) => stopApp(child)));
  }
}

/** Loads one app for `duration` seconds; resolves to its req/s. */
function drive(port, duration) {
  if (!useWrk) return load(port, route, connections, duration * 1000);
  const command = ['wrk', '-t1', `-c${connections}`, `-d${duration}s`, `http://127.0.0.1:${port}${route}`];
  const [file, ...rest] = canPin ? ['taskset', '-c', String(loadCpu), ...command] : command;
  return new Promise((resolve, reject) => {
    execFile(file, rest, (error, stdout) => {
      if (error) return reject(error);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      if (!Number.isFinite(rps)) return reject(new Error(`unexpected wrk output: ${stdout}`));
      resolve({ rps });
    });
  });
}

function hasCommand(command, versionFlag) {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // wrk -v prints its version and exits 1.
    return error.code !== 'ENOENT';
  }
}
