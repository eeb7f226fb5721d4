import path from 'node:path';
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { DeferredSpan } from './deferred-server-span.js';
import { holderOf, nowMillis } from './deferred-server-span.js';
import { sqlSpanName, summarizeSql } from './sql-summary.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Options of the better-sqlite3 instrumentation. */
export interface BetterSqlite3InstrumentationConfig extends InstrumentationConfig {
  /** Only trace statements run inside another span (default true: start-up migrations are noise). */
  requireParentSpan?: boolean;
}

type Method<This> = (this: This, ...args: unknown[]) => unknown;
type AnyFunction = Method<unknown>;
type Patchable = Record<string, unknown> & { [ORIGINALS]?: Record<string, AnyFunction> };
interface StatementLike {
  source: string;
  database: { name: string };
}

const ORIGINALS = Symbol('faultline better-sqlite3 originals');
const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Traces better-sqlite3, which has no upstream instrumentation: a CLIENT span per statement execution
 * (`Statement#run/get/all/iterate`, `Database#exec`) and per failed `Database#prepare`. Query text is
 * the prepared SQL with its placeholders; bound values are never recorded. SQLite errors (SQLITE_BUSY,
 * SQLITE_CONSTRAINT_...) become an `exception` event whose type is the error code, plus
 * `db.response.status_code` and `error.type`, with status ERROR.
 */
export class BetterSqlite3Instrumentation extends InstrumentationBase<BetterSqlite3InstrumentationConfig> {
  private readonly statementInfo = new WeakMap<object, { name: string; attributes: Attributes }>();
  private statementPrototype: Patchable | undefined;

  constructor(config: BetterSqlite3InstrumentationConfig = {}) {
    super(`${PACKAGE_NAME}/better-sqlite3`, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'better-sqlite3',
        ['>=7.0.0 <13'],
        (exports: DatabaseExports) => {
          const Database = databaseClass(exports);
          if (Database) this.patchDatabase(Database.prototype);
          return exports;
        },
        (exports?: DatabaseExports) => {
          const Database = exports ? databaseClass(exports) : undefined;
          if (Database) restore(Database.prototype);
          if (this.statementPrototype) restore(this.statementPrototype);
          this.statementPrototype = undefined;
        },
      ),
    ];
  }

  private patchDatabase(proto: Patchable): void {
    const instrumentation = this;
    replace<{ name: string }>(
      proto,
      'prepare',
      (original) =>
        function prepare(this: { name: string }, ...args: unknown[]): unknown {
          const startTime = Date.now();
          let statement: unknown;
          try {
            statement = original.apply(this, args);
          } catch (error) {
            instrumentation.recordFailedPrepare(this, args[0], startTime, error);
            throw error;
          }
          // Statements are native objects whose prototype is only reachable through an instance.
          if (statement && typeof statement === 'object')
            instrumentation.patchStatement(Object.getPrototypeOf(statement));
          return statement;
        },
    );
    replace<{ name: string }>(
      proto,
      'exec',
      (original) =>
        function exec(this: { name: string }, ...args: unknown[]): unknown {
          const sql = typeof args[0] === 'string' ? args[0] : '';
          const active = context.active();
          const record = holderOf(trace.getSpan(active));
          if (record !== undefined && !isTracingSuppressed(active)) {
            const info = describeSql(sql, this.name, 'sqlite.exec');
            return instrumentation.runHeld(record, active, info, original, this, args);
          }
          const span = instrumentation.startSpan(() => describeSql(sql, this.name, 'sqlite.exec'));
          return span ? runInSpan(span, () => original.apply(this, args)) : original.apply(this, args);
        },
    );
  }

  private patchStatement(proto: Patchable): void {
    if (proto[ORIGINALS]?.['run']) return;
    this.statementPrototype = proto;
    const instrumentation = this;
    for (const method of STATEMENT_METHODS) {
      replace<StatementLike>(
        proto,
        method,
        (original) =>
          function statementCall(this: StatementLike, ...args: unknown[]): unknown {
            if (method !== 'iterate') {
              const active = context.active();
              const record = holderOf(trace.getSpan(active));
              if (record !== undefined && !isTracingSuppressed(active)) {
                const info = instrumentation.describeStatement(this, method);
                return instrumentation.runHeld(record, active, info, original, this, args);
              }
            }
            const span = instrumentation.startSpan(() => instrumentation.describeStatement(this, method));
            if (!span) return original.apply(this, args);
            if (method !== 'iterate') return runInSpan(span, () => original.apply(this, args));
            return traceIterator(
              span,
              runInSpan(span, () => original.apply(this, args), false) as Iterator<unknown>,
            );
          },
      );
    }
  }

  /**
   * Runs a statement under a deferred server span (a request whose trace is kept only if it fails):
   * it is timed and held as data on the request instead of becoming an SDK span now (see
   * HeldLeafSpan). A statement that throws becomes an SDK span at once, which keeps the trace.
   */
  runHeld<This>(
    record: DeferredSpan,
    active: Context,
    info: { name: string; attributes: Attributes },
    original: Method<This>,
    self: This,
    args: unknown[],
  ): unknown {
    const startTime = nowMillis();
    let result: unknown;
    try {
      result = original.apply(self, args);
    } catch (error) {
      const options = { kind: SpanKind.CLIENT, attributes: info.attributes, startTime };
      const span = this.tracer.startSpan(info.name, options, active);
      const at = nowMillis();
      recordSqliteError(span, error, at);
      span.end(at);
      throw error;
    }
    record.held.push({
      tracer: this.tracer,
      name: info.name,
      kind: SpanKind.CLIENT,
      attributes: info.attributes,
      startTime,
      endTime: nowMillis(),
    });
    return result;
  }

  private startSpan(
    describe: () => { name: string; attributes: Attributes },
    startTime?: number,
  ): Span | undefined {
    const active = context.active();
    if (isTracingSuppressed(active)) return undefined;
    if (this.getConfig().requireParentSpan !== false && trace.getSpan(active) === undefined) return undefined;
    const { name, attributes } = describe();
    return this.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime }, active);
  }

  private describeStatement(
    statement: StatementLike,
    method: string,
  ): { name: string; attributes: Attributes } {
    // One description per statement: statements are prepared once and run many times.
    let info = this.statementInfo.get(statement);
    if (info === undefined) {
      info = describeSql(statement.source, statement.database?.name, `sqlite.${method}`);
      this.statementInfo.set(statement, info);
    }
    return info;
  }

  private recordFailedPrepare(db: { name: string }, sql: unknown, startTime: number, error: unknown): void {
    const describe = () => describeSql(typeof sql === 'string' ? sql : '', db.name, 'sqlite.prepare');
    const span = this.startSpan(describe, startTime);
    if (!span) return;
    recordSqliteError(span, error);
    span.end();
  }
}

function describeSql(
  sql: string,
  file: string | undefined,
  fallbackName: string,
): { name: string; attributes: Attributes } {
  const summary = summarizeSql(sql);
  const attributes: Attributes = { 'db.system.name': 'sqlite', 'db.system': 'sqlite', 'db.query.text': sql };
  if (summary.operation) attributes['db.operation.name'] = summary.operation;
  if (summary.table) attributes['db.collection.name'] = summary.table;
  if (file) attributes['db.namespace'] = file === ':memory:' || file === '' ? file : path.basename(file);
  return { name: sqlSpanName(summary, fallbackName), attributes };
}

function runInSpan(span: Span, call: () => unknown, endOnSuccess = true): unknown {
  try {
    const result = call();
    if (endOnSuccess) span.end();
    return result;
  } catch (error) {
    recordSqliteError(span, error);
    span.end();
    throw error;
  }
}

/** Keeps the span open while the caller iterates; ends it when iteration finishes, stops or throws. */
function traceIterator(span: Span, iterator: Iterator<unknown>): Iterator<unknown> & Iterable<unknown> {
  let ended = false;
  const end = (): void => {
    if (!ended) span.end();
    ended = true;
  };
  return {
    next(...args: [] | [unknown]) {
      try {
        const step = iterator.next(...args);
        if (step.done) end();
        return step;
      } catch (error) {
        if (!ended) recordSqliteError(span, error);
        end();
        throw error;
      }
    },
    return(value?: unknown) {
      end();
      return iterator.return ? iterator.return(value) : { done: true, value };
    },
    [Symbol.iterator]() {
      return this;
    },
  };
}

function recordSqliteError(span: Span, error: unknown, at?: number): void {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // recordException uses `code` as exception.type when the error has one (SqliteError always does).
  span.recordException(error instanceof Error ? error : message, at);
  if (typeof code === 'string') span.setAttributes({ 'db.response.status_code': code, 'error.type': code });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function replace<This>(
  target: Patchable,
  name: string,
  wrap: (original: Method<This>) => Method<This>,
): void {
  const original = target[name];
  if (typeof original !== 'function') return;
  target[ORIGINALS] ??= {};
  target[ORIGINALS][name] = original as AnyFunction;
  target[name] = wrap(original as Method<This>);
}

function restore(target: Patchable): void {
  for (const [name, original] of Object.entries(target[ORIGINALS] ?? {})) target[name] = original;
  delete target[ORIGINALS];
}

/** What the hook receives: the CJS export under `require`, the module namespace under ESM `import`. */
type DatabaseExports = { prototype: Patchable } | { default?: { prototype: Patchable } };

/**
 * The Database class from either shape: `require('better-sqlite3')` hands over the class itself,
 * while an ESM `import Database from 'better-sqlite3'` goes through import-in-the-middle, which
 * hands over the namespace whose `default` is the class.
 */
function databaseClass(exports: DatabaseExports): { prototype: Patchable } | undefined {
  if (typeof exports === 'function') return exports as { prototype: Patchable };
  const fallback = (exports as { default?: { prototype: Patchable } }).default;
  return typeof fallback === 'function' ? fallback : undefined;
}
