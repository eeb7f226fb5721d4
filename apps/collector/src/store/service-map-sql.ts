/*
 * Where failures originated and what they passed through, over the failing traces of a window
 * (the partial index on fingerprint keeps these to failing traces). Edges come from EdgeStore.
 */

/** Failing traces by the node their failure originated in. */
export const ORIGINATED_SQL = `
SELECT origin_node AS node, COUNT(*) AS count FROM traces
WHERE start_ns >= ? AND fingerprint IS NOT NULL GROUP BY origin_node`;

/** Failing traces that crossed a service without originating there. */
export const PASSED_THROUGH_SQL = `
SELECT j.value AS node, COUNT(*) AS count FROM traces t, json_each(t.services) j
WHERE t.start_ns >= ? AND t.fingerprint IS NOT NULL AND j.value <> t.origin_node
GROUP BY j.value`;
