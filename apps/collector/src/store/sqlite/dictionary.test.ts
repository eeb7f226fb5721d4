import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dictionary, decodeAttributes, encodeAttributes, registerAttributeFunctions } from './dictionary.js';
import { migrate } from './schema.js';

let db: Database.Database;
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db);
});
afterEach(() => db.close());

const ATTRIBUTES = {
  'http.request.method': 'GET',
  'http.response.status_code': 500,
  'server.address': 'inventory',
  'server.port': 8081,
  retried: true,
  'db.query.parameters': ['a', 1],
};

describe('attribute key dictionary', () => {
  it('stores keys once and gives back exactly the attributes written, in half the bytes', () => {
    const keys = new Dictionary(db, 'attribute_keys');
    const stored = encodeAttributes(ATTRIBUTES, keys);
    expect(decodeAttributes(stored, keys)).toEqual(ATTRIBUTES);
    expect(stored.length).toBeLessThan(JSON.stringify(ATTRIBUTES).length / 2);
    // The same keys again add nothing to the table.
    encodeAttributes(ATTRIBUTES, keys);
    expect(db.prepare('SELECT count(*) FROM attribute_keys').pluck().get()).toBe(6);
  });

  it('reads rows written before the dictionary (a JSON object) as they are', () => {
    const keys = new Dictionary(db, 'attribute_keys');
    expect(decodeAttributes(JSON.stringify(ATTRIBUTES), keys)).toEqual(ATTRIBUTES);
  });

  it('keeps new keys inline once full, so invented keys cannot grow it without bound', () => {
    const keys = new Dictionary(db, 'attribute_keys', 2);
    const stored = encodeAttributes({ a: 1, b: 2, 'user.123': 3 }, keys);
    expect(JSON.parse(stored)).toEqual([1, 1, 2, 2, 'user.123', 3]);
    expect(decodeAttributes(stored, keys)).toEqual({ a: 1, b: 2, 'user.123': 3 });
  });

  it('lets a reading connection learn keys another connection added, and forgets rolled-back ones', () => {
    const writer = new Dictionary(db, 'attribute_keys');
    const reader = new Dictionary(db, 'attribute_keys');
    const stored = encodeAttributes({ 'http.route': '/orders/:id' }, writer);
    expect(decodeAttributes(stored, reader)).toEqual({ 'http.route': '/orders/:id' });

    db.exec('BEGIN');
    const rolledBack = encodeAttributes({ 'will.vanish': 1 }, writer);
    db.exec('ROLLBACK');
    writer.reload();
    expect(() => decodeAttributes(rolledBack, writer)).toThrow(/unknown dictionary id/);
    // The id is free again and goes to the next key.
    const next = encodeAttributes({ 'comes.next': 1 }, writer);
    expect(decodeAttributes(next, reader)).toEqual({ 'comes.next': 1 });
  });

  it('answers fl_attr and fl_peer in SQL for both stored forms', () => {
    const keys = new Dictionary(db, 'attribute_keys');
    registerAttributeFunctions(db, keys);
    keys.resolve(['http.response.status_code']);
    const query = db.prepare("SELECT fl_attr(?, 'http.response.status_code') AS status, fl_peer(?) AS peer");
    for (const stored of [encodeAttributes(ATTRIBUTES, keys), JSON.stringify(ATTRIBUTES)]) {
      expect(query.get(stored, stored)).toEqual({ status: '500', peer: 'inventory:8081' });
    }
    expect(query.get('[]', JSON.stringify({ 'net.peer.name': 'legacy-host' }))).toEqual({
      status: null,
      peer: 'legacy-host',
    });
  });
});

describe('attribute key dictionary memory', () => {
  it('reads nothing of a big table at open, and keeps its copy within the byte budget', () => {
    // 2,000 keys of 19 KB (38 MB): what an attacker's unique long keys left behind.
    const insert = db.prepare('INSERT INTO attribute_keys (text) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(`${i}.`.padEnd(19_000, 'k'));
    })();
    const budget = 256 * 1024;
    const keys = new Dictionary(db, 'attribute_keys', 50_000, budget);
    expect(keys.cachedBytes).toBe(0);
    // Every id still decodes, read on demand, while the copy stays within its budget.
    const stored = JSON.stringify(Array.from({ length: 2000 }, (_, i) => [i + 1, i]).flat());
    const attributes = decodeAttributes(stored, keys);
    expect(Object.keys(attributes)).toHaveLength(2000);
    expect(attributes[`1999.`.padEnd(19_000, 'k')]).toBe(1999);
    expect(keys.cachedBytes).toBeGreaterThan(0);
    expect(keys.cachedBytes).toBeLessThanOrEqual(budget);
  });

  it('stores a text too long for the dictionary inline instead of entering it', () => {
    const keys = new Dictionary(db, 'attribute_keys');
    const long = 'k'.repeat(2000);
    expect(JSON.parse(encodeAttributes({ [long]: 1, short: 2 }, keys))).toEqual([long, 1, 1, 2]);
    expect(db.prepare('SELECT count(*) FROM attribute_keys').pluck().get()).toBe(1);
  });

  it('keeps the keys fl_peer needs resolved however many search keys come and go', () => {
    const keys = new Dictionary(db, 'attribute_keys');
    registerAttributeFunctions(db, keys);
    const stored = encodeAttributes({ 'server.address': 'inventory', 'server.port': 8081 }, keys);
    for (let i = 0; i < 3000; i++) keys.resolve([`search.key.${i}`]);
    expect(db.prepare('SELECT fl_peer(?) AS peer').get(stored)).toEqual({ peer: 'inventory:8081' });
  });
});
