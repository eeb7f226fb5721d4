import type { Attributes, AttributeValue } from '@faultline/model';
import type Database from 'better-sqlite3';

/**
 * Past this many entries a dictionary stops growing and new texts are stored inline: a client that
 * invents a key per request (user.123, user.124…) must not grow the table and memory without bound.
 */
const MAX_ENTRIES = 50_000;

/**
 * Small integers for texts that repeat on every span (attribute keys, instrumentation scopes), kept in
 * a table and mirrored in memory. Each connection has its own copy: the write side adds entries inside
 * its transaction (and forgets what it added if that transaction fails, see `reload`); readers meet an
 * id they do not know only after such a commit, and reload once to learn it.
 */
export class Dictionary {
  private readonly idOf = new Map<string, number>();
  private readonly textOf = new Map<number, string>();
  private lastId = 0;
  private readonly stmt;

  constructor(
    db: Database.Database,
    table: 'attribute_keys' | 'scopes',
    private readonly maxEntries = MAX_ENTRIES,
  ) {
    this.stmt = {
      after: db.prepare(`SELECT id, text FROM ${table} WHERE id > ? ORDER BY id`),
      insert: db.prepare(`INSERT INTO ${table} (text) VALUES (?)`),
    };
    this.reload();
  }

  /** Reads the table afresh (after a failed write took back entries this copy had added). */
  reload(): void {
    this.idOf.clear();
    this.textOf.clear();
    this.lastId = 0;
    this.refresh();
  }

  /**
   * Learns the entries added since this copy last looked. Readers call it before a query whose SQL
   * functions decode attributes: a function cannot run statements of its own mid-query.
   */
  refresh(): void {
    for (const row of this.stmt.after.all(this.lastId) as { id: number; text: string }[]) {
      this.idOf.set(row.text, row.id);
      this.textOf.set(row.id, row.text);
      this.lastId = row.id;
    }
  }

  /** The id of a text, adding it when new; undefined once the dictionary is full. Writers only. */
  idFor(text: string): number | undefined {
    const known = this.idOf.get(text);
    if (known !== undefined || this.idOf.size >= this.maxEntries) return known;
    const id = Number(this.stmt.insert.run(text).lastInsertRowid);
    this.idOf.set(text, id);
    this.textOf.set(id, text);
    this.lastId = Math.max(this.lastId, id);
    return id;
  }

  /** The id of a text if it has one (readers: never adds). */
  existingId(text: string): number | undefined {
    return this.idOf.get(text);
  }

  /** The text of an id, refreshing once if it is new to this copy. */
  textFor(id: number): string {
    if (!this.textOf.has(id)) this.refresh();
    return this.knownText(id);
  }

  /** The text of an id this copy already knows (inside SQL functions, where it cannot refresh). */
  knownText(id: number): string {
    const text = this.textOf.get(id);
    if (text === undefined) throw new Error(`unknown dictionary id ${id}: the database is inconsistent`);
    return text;
  }
}

/**
 * Span attributes as stored: a JSON array of key, value, key, value…, where a key is its dictionary id
 * (or its text, when the dictionary is full). `{"http.request.method":"GET"}` becomes `[3,"GET"]`:
 * the keys were about half of every span's attribute bytes. Rows written before the dictionary
 * (a JSON object) are still read as they are.
 */
export function encodeAttributes(attributes: Attributes, keys: Dictionary): string {
  const flat: unknown[] = [];
  for (const key in attributes) flat.push(keys.idFor(key) ?? key, attributes[key]);
  return JSON.stringify(flat);
}

export function decodeAttributes(json: string, keys: Dictionary, inQuery = false): Attributes {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return parsed as Attributes;
  const attributes: Attributes = {};
  for (let i = 0; i + 1 < parsed.length; i += 2) {
    const key = parsed[i] as number | string;
    const text = typeof key === 'string' ? key : inQuery ? keys.knownText(key) : keys.textFor(key);
    attributes[text] = parsed[i + 1] as AttributeValue;
  }
  return attributes;
}

/** A value as SQL compares it (text), like CAST(json_extract(…) AS TEXT) would give. */
function asText(value: AttributeValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * SQL functions over stored attributes, for the few queries that look inside them:
 * `fl_attr(attributes, key)` is one attribute's value as text (NULL when absent), and
 * `fl_peer(attributes)` the address a client span called (`server.address[:server.port]`, or the
 * older `net.peer.*` keys), which names uninstrumented peers on the service map. Call
 * `keys.refresh()` before such a query on a connection that does not write.
 */
export function registerAttributeFunctions(db: Database.Database, keys: Dictionary): void {
  db.function('fl_attr', { deterministic: true }, (json: unknown, key: unknown) =>
    typeof json === 'string' && typeof key === 'string'
      ? asText(decodeAttributes(json, keys, true)[key])
      : null,
  );
  db.function('fl_peer', { deterministic: true }, (json: unknown) => {
    if (typeof json !== 'string') return null;
    const a = decodeAttributes(json, keys, true);
    const host = asText(a['server.address'] ?? a['net.peer.name']);
    if (host === null) return null;
    const port = asText(a['server.port'] ?? a['net.peer.port']);
    return port === null ? host : `${host}:${port}`;
  });
}
