import { describe, expect, it } from 'vitest';
import { neutraliseControls } from './terminal-text.js';

describe('neutraliseControls', () => {
  it('shows C0, DEL, C1 and bidi controls as inert text and keeps newlines and tabs', () => {
    expect(
      neutraliseControls('a\u001b]52;c;eA==\u0007b\u001b[2J\r\u007f\u009b1m\u0085\u202eX\u2066\tok\n'),
    ).toBe('a^[]52;c;eA==^Gb^[[2J^M^?\\x9b1m\\x85<U+202E>X<U+2066>\tok\n');
  });

  it('returns text without controls unchanged', () => {
    const text = '# Incident: 500 on `GET /x` — `orders` › ok\n| a | b |\n';
    expect(neutraliseControls(text)).toBe(text);
  });
});
