import { describe, expect, it } from 'vitest';
import { estimateLabelWidth, placeLabels } from './map-labels.js';
import type { RoutedEdge } from './map-routes.js';

/** A straight edge from (x1, y) to (x2, y) with its label at the middle. */
function straight(x1: number, x2: number, y: number): RoutedEdge {
  return {
    source: 'a',
    target: 'b',
    kind: 'forward',
    points: [
      { x: x1, y },
      { x: x2, y },
    ],
    label: { x: (x1 + x2) / 2, y },
    labelAnchor: 'middle',
  };
}

describe('placeLabels', () => {
  it('keeps the router’s place when it is free', () => {
    const [place] = placeLabels([straight(0, 200, 50)], [{ width: 80, lines: 1 }], []);
    expect(place).toEqual({ at: { x: 100, y: 50 }, anchor: 'middle' });
  });

  it('moves a label that would sit on another one to a free place on its own line', () => {
    // Two lines crossing the same middle: the second label goes to its line's end, by the target.
    const first = straight(0, 400, 50);
    const second = { ...straight(0, 400, 60), label: { x: 200, y: 60 } };
    const size = { width: 100, lines: 2 };
    const [a, b] = placeLabels([first, second], [size, size], []);
    expect(a).toEqual({ at: { x: 200, y: 50 }, anchor: 'middle' });
    expect(b).toEqual({ at: { x: 386, y: 60 }, anchor: 'end' });
  });

  it('keeps labels off boxes', () => {
    const [place] = placeLabels(
      [straight(0, 400, 50)],
      [{ width: 100, lines: 1 }],
      [{ x: 150, y: 30, width: 100, height: 40 }],
    );
    expect(place!.anchor).not.toBe('middle');
  });

  it('puts a right-to-left line’s end label on the right side of its end', () => {
    const back: RoutedEdge = {
      ...straight(400, 0, 50),
      kind: 'back',
    };
    const [place] = placeLabels(
      [back],
      [{ width: 100, lines: 1 }],
      [{ x: 150, y: 30, width: 100, height: 40 }],
    );
    expect(place).toEqual({ at: { x: 14, y: 50 }, anchor: 'start' });
  });

  it('falls back to the router’s place when nothing is free', () => {
    const edges = [straight(0, 100, 50), straight(0, 100, 50)];
    const places = placeLabels(
      edges,
      [
        { width: 300, lines: 1 },
        { width: 300, lines: 1 },
      ],
      [],
    );
    expect(places[1]).toEqual({ at: { x: 50, y: 50 }, anchor: 'middle' });
  });
});

describe('estimateLabelWidth', () => {
  it('grows with the text', () => {
    expect(estimateLabelWidth('1,204 calls')).toBeGreaterThan(estimateLabelWidth('3 calls'));
  });
});
