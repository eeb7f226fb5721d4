/*
 * A low-cardinality summary of a SQL statement for span names and attributes, following the
 * database span conventions (https://opentelemetry.io/docs/specs/semconv/database/database-spans/):
 * the name is `{db.operation.name} {target}` when both are known. This is a cheap reading of the
 * statement's head, not a SQL parser; it only needs to be right for the common shapes.
 */

/** Operation and main table of a statement, each undefined when not recognised. */
export interface SqlSummary {
  operation: string | undefined;
  table: string | undefined;
}

const LEADING_NOISE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const IDENTIFIER = String.raw`((?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\.(?:"[^"]+"|\x60[^\x60]+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*))?)`;
const TABLE_PATTERNS: Record<string, RegExp> = {
  SELECT: new RegExp(String.raw`\bFROM\s+${IDENTIFIER}`, 'i'),
  INSERT: new RegExp(String.raw`^INSERT\s+(?:OR\s+\w+\s+)?INTO\s+${IDENTIFIER}`, 'i'),
  REPLACE: new RegExp(String.raw`^REPLACE\s+INTO\s+${IDENTIFIER}`, 'i'),
  UPDATE: new RegExp(String.raw`^UPDATE\s+(?:OR\s+\w+\s+)?${IDENTIFIER}`, 'i'),
  DELETE: new RegExp(String.raw`^DELETE\s+FROM\s+${IDENTIFIER}`, 'i'),
  CREATE: new RegExp(
    String.raw`^CREATE\s+(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?${IDENTIFIER}|\bON\s+${IDENTIFIER}`,
    'i',
  ),
  DROP: new RegExp(String.raw`^DROP\s+(?:TABLE|VIEW)\s+(?:IF\s+EXISTS\s+)?${IDENTIFIER}`, 'i'),
  ALTER: new RegExp(String.raw`^ALTER\s+TABLE\s+${IDENTIFIER}`, 'i'),
};

/** Summarises `sql` as its leading keyword (upper case) and the table it mainly works on. */
export function summarizeSql(sql: string): SqlSummary {
  const statement = sql.replace(LEADING_NOISE, '');
  const keyword = /^[A-Za-z]+/.exec(statement)?.[0]?.toUpperCase();
  if (keyword === undefined) return { operation: undefined, table: undefined };
  const match = TABLE_PATTERNS[keyword]?.exec(statement);
  const raw = match?.slice(1).find((group) => group !== undefined);
  return { operation: keyword, table: raw === undefined ? undefined : unquote(raw) };
}

/** The span name for a statement: `SELECT orders`, `BEGIN`, or `fallback` when nothing is recognised. */
export function sqlSpanName(summary: SqlSummary, fallback: string): string {
  if (summary.operation === undefined) return fallback;
  return summary.table === undefined ? summary.operation : `${summary.operation} ${summary.table}`;
}

function unquote(identifier: string): string {
  return identifier
    .split('.')
    .map((part) => part.replace(/^["`[](.*)["`\]]$/, '$1'))
    .join('.');
}
