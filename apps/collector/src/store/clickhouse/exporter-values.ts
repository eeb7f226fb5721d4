import type { Attributes, AttributeValue, SpanKind, StatusCode } from '@faultline/model';

/*
 * The clickhouseexporter keeps every attribute as a string in a Map(String, String) (pcommon's
 * `AsString`: ints in decimal, booleans as true/false, arrays and maps as JSON) and names span kinds
 * and status codes in words. These convert both ways, so spans Faultline writes look like the
 * exporter's and spans the exporter wrote read back as the typed attributes diagnosis expects.
 */

/** An attribute value as the exporter stores it. */
export function attributeToText(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A whole attribute set as the exporter stores it. */
export function attributesToMap(attributes: Attributes): Record<string, string> {
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) map[key] = attributeToText(value);
  return map;
}

const CANONICAL_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:e[+-]?\d+)?$/;

/**
 * Reads a stored attribute back. Only text an SDK's typed value would have produced is retyped:
 * `true`/`false`, a number whose text round-trips exactly ("500", not "0500"), and a JSON array of
 * scalars. A pool span's `db.client.connection.pool.exhausted = true` must be a boolean again, or
 * diagnosis would miss the exhausted pool.
 */
export function textToAttribute(text: string): AttributeValue {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (CANONICAL_NUMBER.test(text)) {
    const number = Number(text);
    if (Number.isFinite(number) && String(number) === text) return number;
    return text;
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((v) => v === null || typeof v !== 'object')) {
        return parsed as AttributeValue[];
      }
    } catch {
      // Not JSON: a string that happens to be bracketed.
    }
  }
  return text;
}

/** A stored attribute map back to attributes, leaving out `omit` keys. */
export function mapToAttributes(map: Record<string, string>, omit?: ReadonlySet<string>): Attributes {
  const attributes: Attributes = {};
  for (const [key, text] of Object.entries(map)) {
    if (!omit?.has(key)) attributes[key] = textToAttribute(text);
  }
  return attributes;
}

const KIND_WORDS: Record<SpanKind, string> = {
  UNSPECIFIED: 'Unspecified',
  INTERNAL: 'Internal',
  SERVER: 'Server',
  CLIENT: 'Client',
  PRODUCER: 'Producer',
  CONSUMER: 'Consumer',
};
const STATUS_WORDS: Record<StatusCode, string> = { UNSET: 'Unset', OK: 'Ok', ERROR: 'Error' };

/** The exporter's word for a span kind ("Server"). */
export const kindToText = (kind: SpanKind): string => KIND_WORDS[kind];
/** The exporter's word for a status code ("Error"). */
export const statusToText = (code: StatusCode): string => STATUS_WORDS[code];

/** A stored span kind, as the exporter ("Server") or OTLP/JSON ("SPAN_KIND_SERVER") spells it. */
export function textToKind(text: string): SpanKind {
  const word = text.toUpperCase().replace(/^SPAN_KIND_/, '');
  return word in KIND_WORDS ? (word as SpanKind) : 'UNSPECIFIED';
}

/** A stored status code, as the exporter ("Error") or OTLP/JSON ("STATUS_CODE_ERROR") spells it. */
export function textToStatus(text: string): StatusCode {
  const word = text.toUpperCase().replace(/^STATUS_CODE_/, '');
  return word in STATUS_WORDS ? (word as StatusCode) : 'UNSET';
}
