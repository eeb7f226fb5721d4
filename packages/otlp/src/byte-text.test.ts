import { afterEach, describe, expect, it, vi } from 'vitest';
import { ByteText, utf8CutPoint } from './byte-text.js';

const bytes = Uint8Array.from([0x00, 0xab, 0xcd, 0xef, 0x68, 0xc3, 0xa9, 0xff, 0x21]);

describe('ByteText', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  const expectations = (text: ByteText) => {
    expect(text.hex(0, 4)).toBe('00abcdef');
    expect(text.utf8(4, 7)).toBe('hé');
    expect(text.utf8(4, 9)).toBe('hé\uFFFD!');
    expect(text.utf8(3, 3)).toBe('');
    expect(text.base64(0, 4)).toBe('AKvN7w==');
  };

  it('gives lowercase hex, UTF-8 with replacement characters and base64 with Node Buffer', () => {
    expectations(new ByteText(bytes));
  });

  it('gives the same strings through the Web APIs where there is no Buffer (a browser)', () => {
    vi.stubGlobal('Buffer', undefined);
    expectations(new ByteText(bytes));
  });
});

describe('utf8CutPoint', () => {
  it('never cuts a multi-byte character in two', () => {
    const text = new TextEncoder().encode('a€b'); // € is 3 bytes: e2 82 ac
    expect(utf8CutPoint(text, 1)).toBe(1);
    expect(utf8CutPoint(text, 2)).toBe(1);
    expect(utf8CutPoint(text, 3)).toBe(1);
    expect(utf8CutPoint(text, 4)).toBe(4);
  });
});
