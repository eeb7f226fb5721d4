import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes, Span } from '@faultline/model';
import { ClickHouseStore } from '../../src/store/clickhouse/clickhouse-store.js';
import { attributeToText, textToAttribute } from '../../src/store/clickhouse/exporter-values.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { chdbClient, type ExporterDdl } from './clickhouse-engine.js';

/** A store opened for one test, and how to throw it away. */
export interface OpenedStore<S extends Store = Store> {
  store: S;
  dispose(): Promise<void>;
}

/** One implementation of `Store` that the shared suites run against. */
export interface StoreBackend {
  name: 'sqlite' | 'clickhouse';
  open(options?: { retentionMs?: number }): Promise<OpenedStore>;
  /** A span as this backend hands it back (the exporter schema keeps attribute values as text). */
  asStored(span: Span): Span;
}

/** The SQLite store on a file in a fresh temp folder. */
export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async open(options = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-store-'));
    const store = new SqliteStore({
      path: join(dir, 'test.db'),
      retentionMs: options.retentionMs ?? 7 * 86_400_000,
      maxDbBytes: 2 * 1024 ** 3,
    });
    return {
      store,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  asStored: (span) => span,
};

const viaText = (attributes: Attributes): Attributes =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, textToAttribute(attributeToText(v))]));

/** The ClickHouse store on chdb, over tables created by the exporter's own DDL (`ddl`). */
export function clickhouseBackend(ddl: ExporterDdl = 'exporter-current'): StoreBackend {
  return {
    name: 'clickhouse',
    async open(options = {}) {
      const store = await ClickHouseStore.open({
        client: await chdbClient(ddl),
        retentionMs: options.retentionMs ?? 7 * 86_400_000,
      });
      return { store, dispose: () => store.close() };
    },
    asStored: (span) => ({
      ...span,
      attributes: viaText(span.attributes),
      resource: viaText(span.resource),
      events: span.events.map((e) => ({ ...e, attributes: viaText(e.attributes) })),
      links: span.links.map((l) => ({ ...l, attributes: viaText(l.attributes) })),
    }),
  };
}

/** Every backend the shared store suites run on. */
export const STORE_BACKENDS: readonly StoreBackend[] = [sqliteBackend, clickhouseBackend()];
