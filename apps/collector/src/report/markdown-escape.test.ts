import { describe, expect, it } from 'vitest';
import { markdownLines, tableCells, unprotectedText } from '../../test/helpers/markdown-structure.js';
import { mdBlock, mdCell, mdCode, mdText } from './markdown-escape.js';

describe('markdown escaping', () => {
  it('writes running text on one line with markup characters escaped', () => {
    expect(mdText('x\r# h [l](http://e.example) *a* _b_ <i> & `c` | ~d~ $m$ www.e.example a@b.c')).toBe(
      'x # h \\[l\\](http\\://e.example) \\*a\\* \\_b\\_ \\<i\\> \\& \\`c\\` \\| \\~d\\~ \\$m\\$ www\\.e.example a\\@b.c',
    );
    expect(mdText('_www.e.example (www.f.example')).toBe('\\_www\\.e.example (www\\.f.example');
  });

  it('escapes what would start a block at the start of the text', () => {
    expect(['# h', '> q', '- l', '+ l', '=== ', '12. x', '3) y', '    code'].map(mdText)).toEqual([
      '\\# h',
      '\\> q',
      '\\- l',
      '\\+ l',
      '\\=== ',
      '12\\. x',
      '3\\) y',
      'code',
    ]);
  });

  it('picks a code fence longer than any backtick run and keeps code spans on one line', () => {
    expect(mdCode('a')).toBe('`a`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('a```b``c')).toBe('````a```b``c````');
    expect(mdCode('`edge`')).toBe('`` `edge` ``');
    expect(mdCode('a\r# b\nc\r\nd')).toBe('`a # b c d`');
    for (const value of ['a`b', '``', '`x` `y`', 'x\r\n`']) {
      expect(unprotectedText(`- ${mdCode(value)} after`)).toBe('- ⟨code⟩ after');
    }
  });

  it('keeps a table row at its cell count whatever a cell holds', () => {
    for (const value of ['a|b', 'a\\|b', '\\', '`|`', '|', '']) {
      expect(tableCells(`| ${mdCell(value)} | ${mdCell(value)} |`)).toBe(2);
    }
  });

  it('fences a block with more backticks than its longest run, so it cannot be closed from inside', () => {
    const text = 'a\n```\n````\r`````\nb';
    const block = mdBlock(text, 'sh');
    expect(block.startsWith('``````sh\n')).toBe(true);
    const lines = markdownLines(`${block}\n# after`);
    expect(lines.at(-1)).toEqual({ text: '# after', fenced: false });
    expect(lines.slice(0, -1).every((line) => line.fenced)).toBe(true);
  });
});
