import { describe, expect, it } from 'vitest';
import { attributeToText, textToAttribute, textToKind, textToStatus } from './exporter-values.js';

describe('exporter attribute text', () => {
  it.each([
    ['500', 500],
    ['-1.5', -1.5],
    ['true', true],
    ['false', false],
    ['["a","b"]', ['a', 'b']],
  ])('reads %s back as the typed value an SDK sent', (text, value) => {
    expect(textToAttribute(text)).toEqual(value);
    expect(attributeToText(value)).toBe(text);
  });

  it.each(['0500', '1.50', '', 'GET', '[not json]', '[{"a":1}]', '1e400', '9007199254740993'])(
    'keeps %j as text: no typed value would have produced it',
    (text) => {
      expect(textToAttribute(text)).toBe(text);
    },
  );

  it('reads kind and status in the exporter spelling and in the OTLP/JSON one', () => {
    expect([textToKind('Server'), textToKind('SPAN_KIND_CLIENT'), textToKind('odd')]).toEqual([
      'SERVER',
      'CLIENT',
      'UNSPECIFIED',
    ]);
    expect([
      textToStatus('Error'),
      textToStatus('STATUS_CODE_ERROR'),
      textToStatus('Ok'),
      textToStatus(''),
    ]).toEqual(['ERROR', 'ERROR', 'OK', 'UNSET']);
  });
});
