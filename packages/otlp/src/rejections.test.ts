import { describe, expect, it } from 'vitest';
import { Rejections } from './rejections.js';

describe('Rejections', () => {
  it('says nothing when nothing was rejected', () => {
    expect(new Rejections('span').message()).toBe('');
  });

  it('names the first few rejected items, their scope and why, and counts the rest', () => {
    const rejections = new Rejections('span');
    const scope = { name: 'x' };
    rejections.add(3, 'GET /', scope, 'trace id must be 16 bytes, got 15');
    rejections.add(4, '', scope, 'span id is missing');
    rejections.add(5, 'a', scope, 'span id is all zeros');
    rejections.add(9, 'b', scope, 'trace id is missing');
    rejections.add(10, 'c', scope, 'trace id is missing');
    expect(rejections.count).toBe(5);
    expect(rejections.message()).toBe(
      "5 spans rejected: span 3 'GET /' of scope 'x': trace id must be 16 bytes, got 15; " +
        "span 4 of scope 'x': span id is missing; span 5 'a' of scope 'x': span id is all zeros; and 2 more",
    );
  });

  it('uses the scope name known when the message is written (the scope may be read after its spans)', () => {
    const rejections = new Rejections('log record');
    const scope = { name: '' };
    rejections.add(1, '', scope, 'trace id must be 16 bytes, got 2');
    scope.name = 'late';
    expect(rejections.message()).toBe(
      "1 log record rejected: log record 1 of scope 'late': trace id must be 16 bytes, got 2",
    );
  });
});
