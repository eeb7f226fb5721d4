/**
 * Escaping for values that come from span data and land in a markdown report. Span data is hostile: a
 * severity of "x\n# heading [l](http://evil.example)" must not become a heading with a link. Each
 * function escapes for one place a value can land: running text, an inline code span, a table cell, a
 * fenced block.
 */

/** CommonMark line endings (LF, CR, CRLF): inline values must not contain one, or block structure starts. */
const LINE_ENDINGS = /\r\n|\r|\n/g;

/**
 * What makes markup anywhere in a line: `\` escapes, `` ` `` code, `*` `_` `~` emphasis and strikethrough,
 * `[` `]` links and images (a `(` or `!` is inert without them), `<` `>` HTML and autolinks, `&` entities,
 * `|` table cells, `$` math on GitHub. Escaping only these keeps prose readable in a terminal.
 */
const INLINE_MARKUP = /[\\`*_~[\]<>&|$]/g;
/** GFM's bare autolinks (`http://…`, `www.…`, `a@b.c`) are found in text too: break their triggers. */
const BARE_AUTOLINK = /:(?=\/\/)|(?<=www)\.|@/gi;
/** At a line's start: headings, quotes, lists, thematic breaks, setext underlines, ordered lists. */
const BLOCK_START = /^(?:[#>+=-]|\d{1,9}(?=[.)]))/;

/** Running text: one line, every character that could make markup or a block backslash-escaped. */
export function mdText(value: string): string {
  // Leading whitespace would make an indented code block at the start of a paragraph.
  const line = value.replace(LINE_ENDINGS, ' ').trimStart();
  const escaped = line.replace(INLINE_MARKUP, '\\$&').replace(BARE_AUTOLINK, '\\$&');
  return escaped.replace(BLOCK_START, (lead) => (/^\d/.test(lead) ? `${lead}\\` : `\\${lead}`));
}

/**
 * Inline code: the fence is one backtick longer than the longest run inside the value, and a space pads
 * each side when the value starts or ends with a backtick or space (CommonMark strips one from each side).
 */
export function mdCode(value: string): string {
  const text = value.replace(LINE_ENDINGS, ' ');
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const pad = /^[` ]|[` ]$/.test(text) && text.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A table cell. GFM splits rows on `|` before it looks at code spans, and its `\|` inside a code span
 * misreads a value whose own backslash precedes a pipe, so a value holding a pipe becomes escaped text
 * (every `\` and `|` escaped); any other value stays a code span.
 */
export function mdCell(value: string): string {
  return value.includes('|') ? mdText(value) || ' ' : mdCode(value);
}

/** A fenced block whose fence is longer than any backtick run inside the text (at least three). */
export function mdBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}
