import { describe, expect, it } from 'vitest';
import { oldGenerationLimitBytes } from './heap-limit.js';

const MIB = 1024 * 1024;

describe('oldGenerationLimitBytes', () => {
  it.each([
    // What Node 20/22, 24 and 26 report for --max-old-space-size=48: the limit is 48 MiB on each.
    ['Node 20/22', 96],
    ['Node 24', 240],
    ['Node 26', 144],
  ])('takes an explicit --max-old-space-size whatever %s reports (%d MiB)', (_node, reported) => {
    expect(oldGenerationLimitBytes(['--max-old-space-size=48'], '', reported * MIB)).toBe(48 * MIB);
    expect(oldGenerationLimitBytes([], '--max-old-space-size=48', reported * MIB)).toBe(48 * MIB);
  });

  it('reads the last of several flags, the underscore form, and a value given as the next word', () => {
    expect(oldGenerationLimitBytes(['--max-old-space-size=64'], '--max_old_space_size=48', 240 * MIB)).toBe(
      48 * MIB,
    );
    expect(oldGenerationLimitBytes([], '--max-old-space-size 100 --enable-source-maps', 4096 * MIB)).toBe(
      100 * MIB,
    );
  });

  it('without the flag, takes the reported limit less three semi-spaces', () => {
    expect(oldGenerationLimitBytes([], '', 4144 * MIB)).toBe(4096 * MIB);
    expect(oldGenerationLimitBytes([], '--max-semi-space-size=1', 131 * MIB)).toBe(128 * MIB);
  });

  it('keeps a reported limit too small to hold the reserve, and ignores nonsense values', () => {
    expect(oldGenerationLimitBytes([], '', 40 * MIB)).toBe(40 * MIB);
    expect(oldGenerationLimitBytes(['--max-old-space-size=lots'], '', 4144 * MIB)).toBe(4096 * MIB);
    expect(oldGenerationLimitBytes(['--max-old-space-size=0'], '', 4144 * MIB)).toBe(4096 * MIB);
  });

  it('never reports more than V8 does', () => {
    expect(oldGenerationLimitBytes(['--max-old-space-size=99999'], '', 4144 * MIB)).toBe(4144 * MIB);
  });
});
