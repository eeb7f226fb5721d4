import type { Attributes, AttributeValue } from '@faultline/model';

/** The sections of the span panel's attribute list, in display order. */
export type AttributeGroupName = 'http' | 'db' | 'exception' | 'resource' | 'other';

/** A titled list of attributes. */
export interface AttributeGroup {
  name: AttributeGroupName;
  title: string;
  entries: [string, AttributeValue][];
}

const TITLES: Record<AttributeGroupName, string> = {
  http: 'HTTP & network',
  db: 'Database',
  exception: 'Error',
  resource: 'Resource (process)',
  other: 'Other',
};

/** Which section a span attribute key belongs to, by its semantic-convention namespace. */
export function attributeGroupOf(key: string): Exclude<AttributeGroupName, 'resource'> {
  if (/^(http|url|server|client|network|net|user_agent|tls)\./.test(key)) return 'http';
  if (/^(db|pool|pg|sql)\./.test(key)) return 'db';
  if (/^(exception|error)\./.test(key) || key === 'error') return 'exception';
  return 'other';
}

/** Groups a span's attributes (and its resource) into non-empty sections, keys sorted. */
export function groupAttributes(attributes: Attributes, resource: Attributes): AttributeGroup[] {
  const groups = new Map<AttributeGroupName, [string, AttributeValue][]>();
  for (const [key, value] of Object.entries(attributes)) {
    const name = attributeGroupOf(key);
    const list = groups.get(name) ?? [];
    list.push([key, value]);
    groups.set(name, list);
  }
  groups.set('resource', Object.entries(resource));
  const order: AttributeGroupName[] = ['http', 'db', 'exception', 'other', 'resource'];
  return order
    .map((name) => ({
      name,
      title: TITLES[name],
      // Keys are ASCII (semantic conventions); localeCompare would build an ICU collator (~15 ms) first.
      entries: (groups.get(name) ?? []).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    }))
    .filter((g) => g.entries.length > 0);
}

/** An attribute value as one line of text (arrays and maps as JSON). */
export function attributeText(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
