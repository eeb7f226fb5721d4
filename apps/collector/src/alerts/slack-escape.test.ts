import { describe, expect, it } from 'vitest';
import { slackEscape } from './slack-escape.js';

describe('slackEscape', () => {
  it('writes &, < and > as Slack asks, so data makes no mention or link, and keeps one line', () => {
    expect(slackEscape('<!channel> <http://evil|click> a&b &amp;\r\nnext')).toBe(
      '&lt;!channel&gt; &lt;http://evil|click&gt; a&amp;b &amp;amp; next',
    );
  });
});
