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
