/**
 * Escaping for values that come from span data and land in a markdown report. Span data is hostile: a
 * severity of "x\n# heading [l](http://evil.example)" must not become a heading with a link. Each
 * function escapes for one place a value can land: running text, an inline code span, a table cell, a
 * fenced block.
 */

/** CommonMark line endings (LF, CR, CRLF): inline values must not contain one, or block structure starts. */
const LINE_ENDINGS = /\r\n|\r|\n/g;

/**
 * Every ASCII punctuation character: CommonMark allows a backslash before any of them, and escaping all
 * is simpler to get right than picking the ones that matter where (`#` at a line start, `-` before a
 * space, `1.`, `|` in tables, `<` for HTML and autolinks, `[`/`]`/`(`/`)` for links, `!`, `*`, `_`, `~`).
 */
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Running text: one line, every markdown-significant character backslash-escaped. */
export function mdText(value: string): string {
  // Leading whitespace would make an indented code block at the start of a paragraph.
  return value.replace(LINE_ENDINGS, ' ').replace(PUNCTUATION, '\\$&').trimStart();
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
