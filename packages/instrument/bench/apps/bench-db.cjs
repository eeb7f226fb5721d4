// The shared database of the benchmark apps: 1000 orders in a temporary better-sqlite3 file.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-'));
const file = path.join(dir, 'bench.db');
const db = new Database(file);
// The benchmark ends the app with SIGTERM; the instrumented modes exit through 'exit' after a flush.
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL NOT NULL)');
const insert = db.prepare('INSERT INTO orders (customer, total) VALUES (?, ?)');
db.transaction(() => {
  for (let i = 0; i < 1000; i += 1) insert.run(`customer-${i % 37}`, (i * 7.31) % 500);
})();
const byId = db.prepare('SELECT id, customer, total FROM orders WHERE id = ?');

/** One order by a pseudo-random id. */
exports.readOrder = () => byId.get(1 + Math.floor(Math.random() * 1000));
/** The JSON payload of the /json route. */
exports.payload = {
  service: 'bench',
  items: Array.from({ length: 20 }, (_, i) => ({ id: i, name: `item-${i}` })),
};
