/**
 * Text from span data printed to a terminal must not drive it: OSC 52 sets the clipboard, `ESC[2J`
 * clears the screen, `ESC]8;;` makes hidden links, a bare CR overwrites what was printed. Every C0
 * control except LF and TAB, DEL and every C1 control (U+0080–U+009F, which some terminals read as
 * 8-bit CSI/OSC) is shown instead as inert text: caret notation (`^[`, `^G`, `^?`) as `cat -v` does,
 * `\x9b` for C1. Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) are shown as
 * `<U+202E>`: they reorder what is displayed, so a printed curl line could read differently from what
 * it runs (Trojan Source, CVE-2021-42574).
 */
export function neutraliseControls(text: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isControl(code)) continue;
    out += text.slice(start, i) + visible(code);
    start = i + 1;
  }
  return start === 0 ? text : out + text.slice(start);
}

function isControl(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || isBidiControl(code);
}

function isBidiControl(code: number): boolean {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

function visible(code: number): string {
  if (code === 0x7f) return '^?';
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (isBidiControl(code)) return `<U+${code.toString(16).toUpperCase()}>`;
  return `\\x${code.toString(16)}`;
}
