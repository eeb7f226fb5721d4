import { describe, expect, it } from 'vitest';
import { skewOffsetNs } from './clock-skew.js';

describe('skewOffsetNs', () => {
  it.each([
    // parent 100..200; child inside: untouched
    ['inside its parent', 120n, 180n, 0n],
    // child 40..80 (duration 40) before its parent: centred at 130..170
    ['starting before its parent', 40n, 80n, 90n],
    // child 300..340 after its parent: centred at 130..170
    ['starting after its parent ended', 300n, 340n, -170n],
    // child 150..400 longer than the parent and starting inside: a callee that outlived a timed-out call
    ['outliving its caller', 150n, 400n, 0n],
    // child 0..250 longer than the parent and starting outside: align the starts
    ['longer and starting outside', 0n, 250n, 100n],
  ])('moves a child %s', (_case, start, end, offset) => {
    expect(skewOffsetNs(100n, 200n, start, end)).toBe(offset);
  });
});
