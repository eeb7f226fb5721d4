import { describe, expect, it } from 'vitest';
import { attributeGroupOf, attributeText, groupAttributes } from './attribute-groups.js';

describe('groupAttributes', () => {
  it('sorts span attributes into http, db, error and other by namespace, and the resource apart', () => {
    expect(attributeGroupOf('http.response.status_code')).toBe('http');
    expect(attributeGroupOf('net.peer.name')).toBe('http');
    expect(attributeGroupOf('db.statement')).toBe('db');
    expect(attributeGroupOf('exception.type')).toBe('exception');
    expect(attributeGroupOf('order.id')).toBe('other');
    const groups = groupAttributes(
      { 'db.system': 'postgresql', 'url.full': 'http://x', zeta: 1, alpha: 2 },
      { 'service.name': 'orders' },
    );
    expect(groups.map((g) => [g.name, g.entries.map(([k]) => k)])).toEqual([
      ['http', ['url.full']],
      ['db', ['db.system']],
      ['other', ['alpha', 'zeta']],
      ['resource', ['service.name']],
    ]);
  });

  it('prints arrays and maps as JSON and scalars as themselves', () => {
    expect(attributeText([1, 'a'])).toBe('[1,"a"]');
    expect(attributeText({ k: true })).toBe('{"k":true}');
    expect(attributeText(false)).toBe('false');
  });
});
