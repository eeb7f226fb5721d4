// Paired overhead benchmark: the app CPU time per request of two configurations, measured side by
// side. This VM's speed drifts by up to 2x within minutes, so req/s of runs made one after the other
// (run.mjs) compare poorly; two apps serving at the same moment, pinned to the same CPU, see the same
// machine. The collector and the load generator run on CPU 0, both apps on CPU 1 (Linux, `taskset`).
//
//   node bench/pair.mjs [--app fastify] [--route /json] [--a none] [--b faultline]
//                       [--a-env K=V,K=V] [--b-env K=V] [--a-require file] [--b-require file] [--connections 10] [--seconds 5] [--rounds 5]
//
// Every round starts both apps afresh. Modes: none, otel (auto-instrumentations-node/register),
// faultline. Prints each round's CPU
// microseconds per request of A and B and B/A, then the median B/A. For a CPU-bound app the share of
// req/s B loses against A is about 1 - 1/(B/A). Needs a built collector (apps/collector/dist).
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
  for (let round = 1; round <= rounds; round += 1) {
    // Fresh processes every round: two processes of the same configuration can settle 10-20% apart
    // (JIT decisions), which only shows across processes.
    const running = [];
    try {
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        const env = { OTEL_SERVICE_NAME: `${app}-${side.label.toLowerCase()}-${side.mode}`, ...side.env };
        const nodeArgs = side.require ? ['--require', path.resolve(side.require)] : MODES[side.mode];
        running[sides.indexOf(side)] = await startApp(app, nodeArgs, env, collector.otlp, appCpu);
      }
      // Warm-up: JIT, connection pools, resource detection, first exports.
      await Promise.all(running.map(({ port }) => drive(port, 3)));
      const before = running.map(({ child }) => cpuMicros(child.pid));
      const results = await Promise.all(running.map(({ port }) => drive(port, seconds)));
      const perRequest = running.map(
        ({ child }, i) => (cpuMicros(child.pid) - before[i]) / (results[i].rps * seconds),
      );
      const ratio = perRequest[1] / perRequest[0];
      ratios.push(ratio);
      console.log(
        `round ${round}: A ${perRequest[0].toFixed(1)} us/req (${results[0].rps.toFixed(0)} req/s), ` +
          `B ${perRequest[1].toFixed(1)} us/req (${results[1].rps.toFixed(0)} req/s), B/A ${ratio.toFixed(3)}`,
      );
    } finally {
      await Promise.all(running.filter(Boolean).map(({ child }) => stopApp(child)));
    }
  }
  ratios.sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)];
  console.log(
    `median B/A ${median.toFixed(3)}: B loses about ${(100 * (1 - 1 / median)).toFixed(0)}% of A's req/s on a busy CPU`,
  );
} finally {
  collector.stop();
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
