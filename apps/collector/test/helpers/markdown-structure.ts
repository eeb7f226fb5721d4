/**
 * A structural reading of markdown, for asserting that data did not become markup without a markdown
 * parser in the workspace. It follows the CommonMark rules that matter for injection: lines end at LF,
 * CR or CRLF; a fenced block closes only on a fence at least as long as the one that opened it; an inline
 * code span closes on a backtick run of exactly its length; a backslash escapes ASCII punctuation; GFM
 * table rows split on every unescaped `|`, code spans or not.
 */

/** The lines of a document as CommonMark sees them, each marked when it is inside a fenced block. */
export function markdownLines(markdown: string): { text: string; fenced: boolean }[] {
  const out: { text: string; fenced: boolean }[] = [];
  let fence: string | null = null;
  for (const text of markdown.split(/\r\n|\r|\n/)) {
    if (fence === null) {
      const open = /^ {0,3}(`{3,}|~{3,})/.exec(text);
      if (open) fence = open[1]!;
      out.push({ text, fenced: open !== null });
    } else {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (close && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = null;
      out.push({ text, fenced: true });
    }
  }
  return out;
}

/**
 * What a line renders as markup-bearing text: code spans removed and every backslash-escaped character
 * replaced by `·`. Throws on a backtick that opens no code span (data that broke out of one).
 */
export function unprotectedText(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    const char = line[i]!;
    if (char === '\\' && /[!-/:-@[-`{-~]/.test(line[i + 1] ?? '')) {
      out += '·';
      i += 2;
    } else if (char === '`') {
      const run = /^`+/.exec(line.slice(i))![0];
      const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
      close.lastIndex = i + run.length;
      const match = close.exec(line);
      if (!match) throw new Error(`unclosed code span at ${i} in ${JSON.stringify(line)}`);
      out += '⟨code⟩';
      i = match.index + run.length;
    } else {
      out += char;
      i++;
    }
  }
  return out;
}

/** The number of cells a GFM table row has (unescaped pipes, leading and trailing ones framing). */
export function tableCells(row: string): number {
  let pipes = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++;
    else if (row[i] === '|') pipes++;
  }
  return pipes - 1;
}
