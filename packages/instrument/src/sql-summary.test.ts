import { describe, expect, it } from 'vitest';
import { sqlSpanName, summarizeSql } from './sql-summary.js';

describe('summarizeSql', () => {
  it.each([
    ['SELECT id, total FROM orders WHERE id = ?', 'SELECT', 'orders'],
    ['  -- latest first\n select * from "order items" o join users u on 1', 'SELECT', 'order items'],
    ['/* report */ SELECT count(*) FROM main.orders', 'SELECT', 'main.orders'],
    ['INSERT INTO orders (total) VALUES (?)', 'INSERT', 'orders'],
    ['insert or replace into `carts` values (?)', 'INSERT', 'carts'],
    ['UPDATE orders SET total = ? WHERE id = ?', 'UPDATE', 'orders'],
    ['DELETE FROM [orders] WHERE id = ?', 'DELETE', 'orders'],
    ['CREATE TABLE IF NOT EXISTS orders (id INTEGER)', 'CREATE', 'orders'],
    ['CREATE INDEX orders_by_user ON orders (user_id)', 'CREATE', 'orders'],
    ['DROP TABLE IF EXISTS orders', 'DROP', 'orders'],
    ['BEGIN EXCLUSIVE', 'BEGIN', undefined],
    ['PRAGMA journal_mode = WAL', 'PRAGMA', undefined],
  ])('reads %j as %s on %s', (sql, operation, table) => {
    expect(summarizeSql(sql)).toEqual({ operation, table });
  });

  it('recognises nothing in an empty or comment-only statement', () => {
    expect(summarizeSql('  -- nothing\n')).toEqual({ operation: undefined, table: undefined });
  });
});

describe('sqlSpanName', () => {
  it('names a span after operation and table, the operation alone, or the fallback', () => {
    expect(sqlSpanName({ operation: 'SELECT', table: 'orders' }, 'sqlite.get')).toBe('SELECT orders');
    expect(sqlSpanName({ operation: 'BEGIN', table: undefined }, 'sqlite.run')).toBe('BEGIN');
    expect(sqlSpanName({ operation: undefined, table: undefined }, 'sqlite.exec')).toBe('sqlite.exec');
  });
});
