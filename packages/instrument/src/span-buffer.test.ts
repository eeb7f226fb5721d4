import { describe, expect, it } from 'vitest';
import { FailureFirstBuffer } from './span-buffer.js';

interface Item {
  id: string;
  traceId: string;
  failed: boolean;
}
const view = { isFailure: (item: Item) => item.failed, traceIdOf: (item: Item) => item.traceId };
const ok = (id: string, traceId = id): Item => ({ id, traceId, failed: false });
const failed = (id: string, traceId = id): Item => ({ id, traceId, failed: true });
const ids = (items: Item[]) => items.map((item) => item.id);

describe('FailureFirstBuffer', () => {
  it('holds items up to its capacity without dropping any', () => {
    const buffer = new FailureFirstBuffer(view, 3);
    expect([buffer.push(ok('a')), buffer.push(ok('b')), buffer.push(failed('c'))]).toEqual([
      true,
      true,
      true,
    ]);
    expect(buffer.droppedCount).toBe(0);
    expect(ids(buffer.takeAll())).toEqual(['c', 'a', 'b']);
  });

  it('when full, gives up the oldest successful item to keep a failing one', () => {
    const buffer = new FailureFirstBuffer(view, 2);
    buffer.push(ok('a'));
    buffer.push(ok('b'));
    expect(buffer.push(failed('x'))).toBe(false);
    expect(buffer.droppedCount).toBe(1);
    expect(ids(buffer.takeAll())).toEqual(['x', 'b']);
  });

  it('keeps successful spans of a trace that failed later (children end before their parent)', () => {
    const buffer = new FailureFirstBuffer(view, 2);
    buffer.push(ok('child', 'T1'));
    buffer.push(ok('other', 'T2'));
    buffer.push(failed('root', 'T1'));
    expect(ids(buffer.takeAll()).sort()).toEqual(['child', 'root']);
  });

  it('turns a success away rather than a failure when only failures are held', () => {
    const buffer = new FailureFirstBuffer(view, 2);
    buffer.push(failed('x'));
    buffer.push(failed('y'));
    expect(buffer.push(ok('a'))).toBe(false);
    expect(buffer.push(failed('z'))).toBe(true);
    expect(ids(buffer.takeAll())).toEqual(['x', 'y', 'z']);
    expect(buffer.droppedCount).toBe(1);
  });

  it('bounds failures too: past capacity plus reserve the oldest failure goes', () => {
    const buffer = new FailureFirstBuffer(view, 2, 1);
    for (const id of ['f1', 'f2', 'f3', 'f4']) buffer.push(failed(id));
    expect(buffer.droppedFailureCount).toBe(1);
    expect(ids(buffer.takeAll())).toEqual(['f2', 'f3', 'f4']);
  });

  it('hands out failures first, in batches', () => {
    const buffer = new FailureFirstBuffer(view, 10);
    buffer.push(ok('a'));
    buffer.push(failed('x'));
    buffer.push(ok('b'));
    expect(ids(buffer.take(2))).toEqual(['x', 'a']);
    expect(ids(buffer.take(2))).toEqual(['b']);
    expect(buffer.size).toBe(0);
  });
});
