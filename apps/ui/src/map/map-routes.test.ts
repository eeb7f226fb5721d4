import { describe, expect, it } from 'vitest';
import { routePath } from './map-routes.js';

describe('routePath', () => {
  it('bends a call smoothly between columns and runs straight through a skipped column', () => {
    expect(
      routePath({
        kind: 'forward',
        points: [
          { x: 0, y: 0 },
          { x: 100, y: 40 },
          { x: 300, y: 40 },
          { x: 400, y: 0 },
        ],
      }),
    ).toBe('M 0 0 C 50 0, 50 40, 100 40 L 300 40 C 350 40, 350 0, 400 0');
    expect(
      routePath({
        kind: 'self',
        points: [
          { x: 400, y: 70 },
          { x: 400, y: 110 },
          { x: 100, y: 110 },
          { x: 100, y: 70 },
        ],
      }),
    ).toBe('M 400 70 C 400 110, 100 110, 100 70');
  });
});
