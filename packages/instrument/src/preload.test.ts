import { describe, expect, it } from 'vitest';
import { loadedWithImportFlag } from './preload.js';

describe('loadedWithImportFlag', () => {
  it('sees --import in the arguments or in NODE_OPTIONS, and nothing else', () => {
    expect(loadedWithImportFlag(['--import', '@faultline/instrument/register'], {})).toBe(true);
    expect(loadedWithImportFlag(['--import=@faultline/instrument/register'], {})).toBe(true);
    expect(
      loadedWithImportFlag([], {
        NODE_OPTIONS: '--max-old-space-size=512 --import @faultline/instrument/register',
      }),
    ).toBe(true);
    expect(
      loadedWithImportFlag(['--require', '@faultline/instrument/register'], {
        NODE_OPTIONS: '--enable-source-maps',
      }),
    ).toBe(false);
  });
});
