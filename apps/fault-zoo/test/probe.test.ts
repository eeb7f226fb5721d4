import { afterAll, beforeAll, it } from 'vitest';
import { startCollector, type RunningCollector } from '../../../packages/instrument/test/harness/collector.js';
import { startMariaDb, type RunningMariaDb } from '../../../packages/instrument/test/harness/mariadb.js';
import { startRedis, type RunningRedis } from './harness/redis.js';
import { startService, type ZooService } from './harness/service.js';
import { closedPort, startDroppingServer, type DroppingServer } from './harness/ports.js';

let collector: RunningCollector; let db: RunningMariaDb; let redis: RunningRedis; let store: ZooService; let drop: DroppingServer;
beforeAll(async () => {
  [collector, db, redis, drop] = await Promise.all([startCollector(), startMariaDb(), startRedis(), startDroppingServer()]);
  store = await startService('store.cjs', 'store', collector.otlpHttpUrl, { MYSQL_URL: db.url, REDIS_URL: redis.url, CLOSED_PORT: String(await closedPort()), DROP_PORT: String(drop.port) });
});
afterAll(async () => { await store?.stop(); await Promise.all([collector?.stop(), db?.stop(), redis?.stop(), drop?.close()]); });
it('probe', async () => {
  const routes = (process.env.ROUTES ?? '').split(',');
  for (const r of routes) {
    const res = await store.get(r);
    if (!res.traceId) { console.log(r, res.status, 'no trace'); continue; }
    const t = await collector.waitForTrace(res.traceId, (x) => x.diagnosis != null && x.spans.some(s=>s.kind==='SERVER'));
    const d = t.diagnosis as any;
    const origin = t.spans.find((s) => s.spanId === d.originSpanId);
    console.log(process.env.FULL ? JSON.stringify({ r, status: res.status, cause: d.cause, svc: d.originService, rule: d.evidence.matchedRule, originName: origin?.name, spans: t.spans.map((s) => ({ n: s.name, k: s.kind, st: s.status, a: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => /db|error|server|net/.test(k)).map(([k,v])=>[k,String(v).slice(0,80)])), ev: s.events.map((e) => e.attributes) })) }, null, 1) : JSON.stringify({r, status: res.status, cause: d.cause, svc: d.originService, rule: d.evidence.matchedRule, ex: t.spans.flatMap(s=>s.events.map(e=>[s.name, e.attributes["exception.type"], String(e.attributes["exception.message"]).slice(0,150)])), err: t.spans.filter(s=>s.status.code==="ERROR").map(s=>[s.name,s.kind,s.status.message?.slice(0,120), s.attributes["db.system.name"] ?? s.attributes["db.system"]])}));
  }
}, 120_000);
