/*
 * The schema in one place, as numbered migrations applied in order and recorded in `user_version`.
 * Ids are stored as BLOBs (16 and 8 bytes: half the size of hex text); nanosecond times as INTEGER.
 * `spans` is stored in arrival order with a unique index on (trace_key, span_id), where trace_key is
 * the integer key of the trace's row in `traces` (found by trace id through `traces_by_id`): a trace
 * is one index range (its spans mostly arrived together, so they share pages) and a duplicate span
 * from an SDK retry is a no-op on that index. Spans store their duration; readers add it to start_ns.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE resources (
    resource_id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    service TEXT NOT NULL,
    attributes TEXT NOT NULL
  );
  CREATE TABLE spans (
    trace_id BLOB NOT NULL,
    span_id BLOB NOT NULL,
    parent_span_id BLOB,
    resource_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    db_system TEXT,
    db_operation TEXT,
    exception_type TEXT,
    scope TEXT,
    attributes TEXT NOT NULL,
    events TEXT,
    links TEXT,
    dropped_attributes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (trace_id, span_id)
  ) WITHOUT ROWID;
  CREATE TABLE logs (
    log_id INTEGER PRIMARY KEY,
    trace_id BLOB,
    span_id BLOB,
    resource_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    time_ns INTEGER NOT NULL,
    observed_ns INTEGER NOT NULL,
    severity_number INTEGER NOT NULL,
    severity_text TEXT NOT NULL,
    body TEXT NOT NULL,
    attributes TEXT NOT NULL,
    scope TEXT
  );
  CREATE INDEX logs_by_trace ON logs (trace_id) WHERE trace_id IS NOT NULL;
  CREATE INDEX logs_by_time ON logs (time_ns);
  CREATE TABLE traces (
    trace_id BLOB PRIMARY KEY,
    root_span_id BLOB,
    root_service TEXT,
    root_name TEXT,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    services TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX traces_by_start ON traces (start_ns);
  CREATE TABLE operations (
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    last_seen_ns INTEGER NOT NULL,
    PRIMARY KEY (service, name, kind)
  ) WITHOUT ROWID;
  `,
  // 2: failure groups, maintained incrementally as traces are diagnosed.
  `
  ALTER TABLE traces ADD COLUMN fingerprint TEXT;
  ALTER TABLE traces ADD COLUMN cause TEXT;
  ALTER TABLE traces ADD COLUMN origin_service TEXT;
  ALTER TABLE traces ADD COLUMN origin_node TEXT;
  ALTER TABLE traces ADD COLUMN diagnosed_update_ms INTEGER;
  CREATE INDEX traces_by_fingerprint ON traces (fingerprint, start_ns) WHERE fingerprint IS NOT NULL;
  CREATE INDEX traces_undiagnosed ON traces (updated_at_ms)
    WHERE error_count > 0 AND diagnosed_update_ms IS NOT updated_at_ms;
  CREATE TABLE failure_groups (
    fingerprint TEXT PRIMARY KEY,
    origin_service TEXT NOT NULL,
    origin_operation TEXT NOT NULL,
    cause TEXT NOT NULL,
    exception_type TEXT,
    message TEXT,
    summary TEXT NOT NULL,
    count INTEGER NOT NULL,
    first_seen_ns INTEGER NOT NULL,
    last_seen_ns INTEGER NOT NULL,
    first_version TEXT,
    versions TEXT NOT NULL,
    endpoints TEXT NOT NULL,
    latest_trace_id BLOB NOT NULL,
    sample_trace_ids TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX failure_groups_by_last_seen ON failure_groups (last_seen_ns);
  CREATE TABLE failure_minutes (
    fingerprint TEXT NOT NULL,
    minute_ms INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (fingerprint, minute_ms)
  ) WITHOUT ROWID;
  CREATE TABLE service_versions (
    service TEXT NOT NULL,
    version TEXT NOT NULL,
    first_seen_ns INTEGER NOT NULL,
    PRIMARY KEY (service, version)
  ) WITHOUT ROWID;
  `,
  // 3: comparing failures with successes: the origin span of each diagnosed trace, and traces by entry.
  `
  ALTER TABLE traces ADD COLUMN origin_span_id BLOB;
  CREATE INDEX traces_by_entry ON traces (root_service, root_name, start_ns);
  `,
  // 4: every trace is finalized once quiet (service-map edges counted per minute; failing ones
  // diagnosed), so the service map is a sum over a small table, not a join over all spans.
  `
  DROP INDEX traces_undiagnosed;
  CREATE INDEX traces_unfinalized ON traces (updated_at_ms) WHERE diagnosed_update_ms IS NOT updated_at_ms;
  ALTER TABLE traces ADD COLUMN edges TEXT;
  CREATE TABLE service_edges (
    minute_ms INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    calls INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (minute_ms, source, target)
  ) WITHOUT ROWID;
  `,
  // 5: where failures originated and what they passed through, per minute (the service map's node
  // counts), kept like the edges: each trace remembers its contribution.
  `
  ALTER TABLE traces ADD COLUMN node_counts TEXT;
  CREATE TABLE node_minutes (
    minute_ms INTEGER NOT NULL,
    node TEXT NOT NULL,
    originated INTEGER NOT NULL,
    passed_through INTEGER NOT NULL,
    PRIMARY KEY (minute_ms, node)
  ) WITHOUT ROWID;
  `,
  // 6: spans and trace summaries in arrival order (rowid tables) with unique indexes on their ids.
  // Clustered by random trace id, every batch dirtied pages all over both B-trees and a 512-span
  // commit wrote ~550 WAL pages; appended, the rows of a batch share a few pages and only the small
  // index entries land at random (~265 pages), which nearly doubled the write path's speed.
  // Summaries are merged batch by batch, so they remember whether their root has a parent and when
  // it started (to tell whether a later span is a better root).
  `
  CREATE TABLE spans_v6 (
    trace_id BLOB NOT NULL,
    span_id BLOB NOT NULL,
    parent_span_id BLOB,
    resource_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    db_system TEXT,
    db_operation TEXT,
    exception_type TEXT,
    scope TEXT,
    attributes TEXT NOT NULL,
    events TEXT,
    links TEXT,
    dropped_attributes INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO spans_v6 SELECT * FROM spans ORDER BY start_ns;
  DROP TABLE spans;
  ALTER TABLE spans_v6 RENAME TO spans;
  CREATE UNIQUE INDEX spans_by_trace ON spans (trace_id, span_id);

  CREATE TABLE traces_v6 (
    trace_id BLOB NOT NULL,
    root_span_id BLOB,
    root_service TEXT,
    root_name TEXT,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    services TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    fingerprint TEXT,
    cause TEXT,
    origin_service TEXT,
    origin_node TEXT,
    diagnosed_update_ms INTEGER,
    origin_span_id BLOB,
    edges TEXT,
    node_counts TEXT,
    root_has_parent INTEGER NOT NULL DEFAULT 0,
    root_start_ns INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO traces_v6 (trace_id, root_span_id, root_service, root_name, start_ns, end_ns, span_count,
    error_count, http_method, http_route, http_status, services, updated_at_ms, fingerprint, cause,
    origin_service, origin_node, diagnosed_update_ms, origin_span_id, edges, node_counts,
    root_has_parent, root_start_ns)
  SELECT t.trace_id, t.root_span_id, t.root_service, t.root_name, t.start_ns, t.end_ns, t.span_count,
    t.error_count, t.http_method, t.http_route, t.http_status, t.services, t.updated_at_ms, t.fingerprint,
    t.cause, t.origin_service, t.origin_node, t.diagnosed_update_ms, t.origin_span_id, t.edges,
    t.node_counts, IFNULL(s.parent_span_id IS NOT NULL, 0), IFNULL(s.start_ns, t.start_ns)
  FROM traces t LEFT JOIN spans s ON s.trace_id = t.trace_id AND s.span_id = t.root_span_id
  ORDER BY t.start_ns;
  DROP TABLE traces;
  ALTER TABLE traces_v6 RENAME TO traces;
  CREATE UNIQUE INDEX traces_by_id ON traces (trace_id);
  CREATE INDEX traces_by_start ON traces (start_ns);
  CREATE INDEX traces_by_fingerprint ON traces (fingerprint, start_ns) WHERE fingerprint IS NOT NULL;
  CREATE INDEX traces_by_entry ON traces (root_service, root_name, start_ns);
  CREATE INDEX traces_unfinalized ON traces (updated_at_ms) WHERE diagnosed_update_ms IS NOT updated_at_ms;
  `,
  // 7: dictionaries for the texts every span repeats. Span attributes are stored as
  // [keyId, value, …] and `spans.scope` holds a scope id; rows written before stay as they are and
  // are read as they were (see dictionary.ts).
  `
  CREATE TABLE attribute_keys (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  CREATE TABLE scopes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
  `,
  // 8: each finalized trace's whole verdict (JSON: the diagnosis, and the log count it saw), so the trace
  // page's outline reads it instead of decoding every span to diagnose again (a 10,000-span trace:
  // ~300 ms). It is current while diagnosed_update_ms = updated_at_ms; older rows have none.
  `
  ALTER TABLE traces ADD COLUMN verdict TEXT;
  `,
  // 9: spans point at their trace by the trace row's integer key (trace_key, an INTEGER PRIMARY KEY,
  // so VACUUM keeps it) and store their duration instead of their end. Keys are handed out in arrival
  // order, so the index of spans by trace is appended to instead of written at random (the random
  // 16-byte trace id made every batch dirty leaves all over the index once it outgrew the page
  // cache), and a span row and its index entry are ~12 bytes smaller each; a duration takes 3-4 bytes
  // where an end time takes 8. Spans that no trace row names (none are written) are not carried over.
  `
  CREATE TABLE traces_v9 (
    trace_key INTEGER PRIMARY KEY,
    trace_id BLOB NOT NULL,
    root_span_id BLOB,
    root_service TEXT,
    root_name TEXT,
    start_ns INTEGER NOT NULL,
    end_ns INTEGER NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    services TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    fingerprint TEXT,
    cause TEXT,
    origin_service TEXT,
    origin_node TEXT,
    diagnosed_update_ms INTEGER,
    origin_span_id BLOB,
    edges TEXT,
    node_counts TEXT,
    root_has_parent INTEGER NOT NULL DEFAULT 0,
    root_start_ns INTEGER NOT NULL DEFAULT 0,
    verdict TEXT
  );
  INSERT INTO traces_v9 SELECT rowid, trace_id, root_span_id, root_service, root_name, start_ns, end_ns,
    span_count, error_count, http_method, http_route, http_status, services, updated_at_ms, fingerprint,
    cause, origin_service, origin_node, diagnosed_update_ms, origin_span_id, edges, node_counts,
    root_has_parent, root_start_ns, verdict
  FROM traces ORDER BY rowid;
  CREATE TABLE spans_v9 (
    trace_key INTEGER NOT NULL,
    span_id BLOB NOT NULL,
    parent_span_id BLOB,
    resource_id INTEGER NOT NULL,
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    kind INTEGER NOT NULL,
    start_ns INTEGER NOT NULL,
    duration_ns INTEGER NOT NULL,
    status_code INTEGER NOT NULL,
    status_message TEXT,
    http_method TEXT,
    http_route TEXT,
    http_status INTEGER,
    db_system TEXT,
    db_operation TEXT,
    exception_type TEXT,
    scope TEXT,
    attributes TEXT NOT NULL,
    events TEXT,
    links TEXT,
    dropped_attributes INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO spans_v9 SELECT t.trace_key, s.span_id, s.parent_span_id, s.resource_id, s.service, s.name,
    s.kind, s.start_ns, s.end_ns - s.start_ns, s.status_code, s.status_message, s.http_method, s.http_route,
    s.http_status, s.db_system, s.db_operation, s.exception_type, s.scope, s.attributes, s.events, s.links,
    s.dropped_attributes
  FROM spans s JOIN traces_v9 t ON t.trace_id = s.trace_id ORDER BY s.rowid;
  DROP TABLE spans;
  DROP TABLE traces;
  ALTER TABLE spans_v9 RENAME TO spans;
  ALTER TABLE traces_v9 RENAME TO traces;
  CREATE UNIQUE INDEX spans_by_trace ON spans (trace_key, span_id);
  CREATE UNIQUE INDEX traces_by_id ON traces (trace_id);
  CREATE INDEX traces_by_start ON traces (start_ns);
  CREATE INDEX traces_by_fingerprint ON traces (fingerprint, start_ns) WHERE fingerprint IS NOT NULL;
  CREATE INDEX traces_by_entry ON traces (root_service, root_name, start_ns);
  CREATE INDEX traces_unfinalized ON traces (updated_at_ms) WHERE diagnosed_update_ms IS NOT updated_at_ms;
  `,
  // 10: a failure group lists the origin service's endpoints it was reached through (groups by frame).
  `
  ALTER TABLE failure_groups ADD COLUMN origin_endpoints TEXT NOT NULL DEFAULT '[]';
  `,
  // 11 (issue 24): how many of a group's failures came with saturation evidence, and whether each trace's did
  // (so a trace moving between groups, or gaining saturation with a late span, is counted right).
  `
  ALTER TABLE failure_groups ADD COLUMN saturated_count INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE traces ADD COLUMN saturated INTEGER;
  `,
];
