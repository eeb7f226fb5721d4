import type { Attributes, AttributeValue } from '@faultline/model';
import type Database from 'better-sqlite3';
import { ADJUSTED_COUNT } from '../shared/trace-edges.js';

/**
 * Past this many entries a dictionary stops growing and new texts are stored inline: a client that
 * invents a key per request (user.123, user.124…) must not grow the table and memory without bound.
 */
const MAX_ENTRIES = 50_000;

/** Texts longer than this (UTF-16 units) are stored inline, never entered: the table stays small. */
const MAX_TEXT_LENGTH = 1024;

/**
 * Bytes of texts (and map overhead) one connection's copy keeps in memory; past it the least recently
 * used entries are forgotten and read again on demand. A thousand 19 KB keys once made the table
 * 951 MB, which the old whole-table load read at every start (60 s, 2 GiB idle).
 */
const MAX_CACHE_BYTES = 4 * 1024 * 1024;

/** What one cached entry costs beyond its text: two map entries and the string header. */
const ENTRY_OVERHEAD_BYTES = 96;

/** Most keys remembered for the SQL functions (see `resolve`); the list starts over past it. */
const MAX_RESOLVED = 1000;

/**
 * Small integers for texts that repeat on every span (attribute keys, instrumentation scopes), kept in
 * a table. Each connection has its own copy, a cache bounded by bytes that is filled on demand (one
 * indexed read per miss), never by loading the table. The write side adds entries inside its
 * transaction (and forgets what it added if that transaction fails, see `reload`).
 *
 * SQL functions cannot run statements mid-query, so they never look texts up: they compare ids, and
 * the ids of the keys they look for are found beforehand (`resolve`, `refresh`).
 */
export class Dictionary {
  private readonly idOf = new Map<string, number>();
  /** id → text, least recently used first. */
  private readonly textOf = new Map<number, string>();
  private bytes = 0;
  private entries = 0;
  /** Keys the SQL functions look for: text → id, or null while the table does not hold it. */
  private readonly resolved = new Map<string, number | null>();
  private readonly pinned = new Set<string>();
  private readonly stmt;

  constructor(
    db: Database.Database,
    table: 'attribute_keys' | 'scopes',
    private readonly maxEntries = MAX_ENTRIES,
    private readonly maxCacheBytes = MAX_CACHE_BYTES,
  ) {
    this.stmt = {
      // Entries are never deleted, so the largest id is the count (and an O(log n) read).
      count: db.prepare(`SELECT IFNULL(MAX(id), 0) FROM ${table}`).pluck(),
      idOf: db.prepare(`SELECT id FROM ${table} WHERE text = ?`).pluck(),
      textOf: db.prepare(`SELECT text FROM ${table} WHERE id = ?`).pluck(),
      insert: db.prepare(`INSERT INTO ${table} (text) VALUES (?)`),
    };
    this.reload();
  }

  /** Bytes the in-memory copy holds now (texts and overhead). */
  get cachedBytes(): number {
    return this.bytes;
  }

  /** Forgets what this copy knows (after a failed write took back entries it had added). */
  reload(): void {
    this.idOf.clear();
    this.textOf.clear();
    this.bytes = 0;
    this.entries = this.stmt.count.get() as number;
    for (const text of this.resolved.keys()) this.resolved.set(text, null);
    this.refresh();
  }

  /**
   * Finds the ids of `texts` for the SQL functions of the next query on this connection (readers
   * call it with the keys a search filters on), and of keys still missing that the writer may have
   * added since.
   */
  resolve(texts: readonly string[] = []): void {
    if (this.resolved.size + texts.length > MAX_RESOLVED) {
      // Searches bring keys of their own; the ones the SQL functions always need stay.
      this.resolved.clear();
      for (const text of this.pinned) this.resolved.set(text, null);
    }
    for (const text of texts) if (!this.resolved.has(text)) this.resolved.set(text, null);
    this.refresh();
  }

  /** Resolves `texts` for good: keys every query of some kind needs (the peer keys of `fl_peer`). */
  pin(texts: readonly string[]): void {
    for (const text of texts) this.pinned.add(text);
    this.resolve(texts);
  }

  /** Looks again for the resolved keys the table did not hold (another connection may have added them). */
  refresh(): void {
    for (const [text, id] of this.resolved) {
      if (id === null) this.resolved.set(text, (this.stmt.idOf.get(text) as number | undefined) ?? null);
    }
  }

  /**
   * The id a SQL function compares with: null when the table does not hold the text; throws for a
   * text nobody resolved, since answering "absent" could be wrong.
   */
  resolvedId(text: string): number | null {
    const id = this.resolved.get(text);
    if (id === undefined)
      throw new Error(`dictionary key ${JSON.stringify(text)} was not resolved before the query`);
    return id;
  }

  /** The id of a text, adding it when new; undefined once the dictionary is full. Writers only. */
  idFor(text: string): number | undefined {
    const known = this.existingId(text);
    if (known !== undefined || this.entries >= this.maxEntries || text.length > MAX_TEXT_LENGTH) return known;
    const id = Number(this.stmt.insert.run(text).lastInsertRowid);
    this.entries++;
    this.remember(id, text);
    if (this.resolved.has(text)) this.resolved.set(text, id);
    return id;
  }

  /** The id of a text if it has one (never adds). */
  existingId(text: string): number | undefined {
    const cached = this.idOf.get(text);
    if (cached !== undefined) return this.touch(cached, text);
    if (text.length > MAX_TEXT_LENGTH) return undefined;
    const id = this.stmt.idOf.get(text) as number | undefined;
    if (id !== undefined) this.remember(id, text);
    return id;
  }

  /** The text of an id (one read when this copy does not hold it). Not inside SQL functions. */
  textFor(id: number): string {
    const cached = this.textOf.get(id);
    if (cached !== undefined) {
      this.touch(id, cached);
      return cached;
    }
    const text = this.stmt.textOf.get(id) as string | undefined;
    if (text === undefined) throw new Error(`unknown dictionary id ${id}: the database is inconsistent`);
    this.remember(id, text);
    return text;
  }

  /** Marks an entry as just used (it moves to the back of the eviction order). */
  private touch(id: number, text: string): number {
    this.textOf.delete(id);
    this.textOf.set(id, text);
    return id;
  }

  private remember(id: number, text: string): void {
    if (this.textOf.has(id)) return;
    this.textOf.set(id, text);
    this.idOf.set(text, id);
    this.bytes += text.length * 2 + ENTRY_OVERHEAD_BYTES;
    for (const [oldId, oldText] of this.textOf) {
      if (this.bytes <= this.maxCacheBytes) break;
      this.textOf.delete(oldId);
      this.idOf.delete(oldText);
      this.bytes -= oldText.length * 2 + ENTRY_OVERHEAD_BYTES;
    }
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

/** Stored attributes (either form) back to an attribute set; reads texts it does not hold. */
export function decodeAttributes(json: string, keys: Dictionary): Attributes {
  const parsed = JSON.parse(json) as unknown;
  if (!Array.isArray(parsed)) return parsed as Attributes;
  const attributes: Attributes = {};
  for (let i = 0; i + 1 < parsed.length; i += 2) {
    const key = parsed[i] as number | string;
    attributes[typeof key === 'string' ? key : keys.textFor(key)] = parsed[i + 1] as AttributeValue;
  }
  return attributes;
}

/** Parsed stored attributes: the flat key/value array, or an object (rows before the dictionary). */
type StoredAttributes = unknown[] | Attributes;

/** One attribute of parsed stored attributes, found by its text or its resolved id (inside SQL). */
function storedValue(stored: StoredAttributes, key: string, keys: Dictionary): AttributeValue | undefined {
  if (!Array.isArray(stored)) return Object.hasOwn(stored, key) ? stored[key] : undefined;
  const id = keys.resolvedId(key);
  for (let i = 0; i + 1 < stored.length; i += 2) {
    const k = stored[i];
    if (k === id || k === key) return stored[i + 1] as AttributeValue;
  }
  return undefined;
}

/** A value as SQL compares it (text), like CAST(json_extract(…) AS TEXT) would give. */
function asText(value: AttributeValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const PEER_KEYS = ['server.address', 'net.peer.name', 'server.port', 'net.peer.port'];

/**
 * SQL functions over stored attributes, for the few queries that look inside them:
 * `fl_attr(attributes, key)` is one attribute's value as text (NULL when absent), and
 * `fl_peer(attributes)` the address a client span called (`server.address[:server.port]`, or the
 * older `net.peer.*` keys), which names uninstrumented peers on the service map. The keys they look
 * for must be resolved on the connection first: the peer keys and the sampling weight are, here; a
 * search calls `keys.resolve(its keys)` before its query.
 */
export function registerAttributeFunctions(db: Database.Database, keys: Dictionary): void {
  keys.pin([...PEER_KEYS, ADJUSTED_COUNT]);
  const parse = (json: string) => JSON.parse(json) as StoredAttributes;
  db.function('fl_attr', { deterministic: true }, (json: unknown, key: unknown) =>
    typeof json === 'string' && typeof key === 'string' ? asText(storedValue(parse(json), key, keys)) : null,
  );
  db.function('fl_peer', { deterministic: true }, (json: unknown) => {
    if (typeof json !== 'string') return null;
    const stored = parse(json);
    const host = asText(
      storedValue(stored, 'server.address', keys) ?? storedValue(stored, 'net.peer.name', keys),
    );
    if (host === null) return null;
    const port = asText(
      storedValue(stored, 'server.port', keys) ?? storedValue(stored, 'net.peer.port', keys),
    );
    return port === null ? host : `${host}:${port}`;
  });
}
