import { describe, expect, it } from 'vitest';
import { ByteText } from './byte-text.js';
import { InternedText } from './interned-text.js';

function internedOver(strings: string[]): { text: InternedText; ranges: [number, number][] } {
  const encoder = new TextEncoder();
  const parts = strings.map((s) => encoder.encode(s));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  const ranges: [number, number][] = [];
  let pos = 0;
  for (const part of parts) {
    bytes.set(part, pos);
    ranges.push([pos, pos + part.length]);
    pos += part.length;
  }
  return { text: new InternedText(bytes, new ByteText(bytes)), ranges };
}

describe('InternedText', () => {
  it('decodes thousands of distinct short strings correctly despite sharing 512 slots', () => {
    const strings = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    strings.push('é', 'ü', 'k1', 'k10', 'x'.repeat(48), 'x'.repeat(47), 'y'.repeat(200));
    const { text, ranges } = internedOver([...strings, ...strings]);
    expect(ranges.map(([start, end]) => text.utf8(start, end))).toEqual([...strings, ...strings]);
  });
});
