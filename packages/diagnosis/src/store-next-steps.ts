import type { Cause, Evidence } from './types.js';

type Store = 'mysql' | 'redis' | 'mongodb';

/** Which client family the evidence is about: its `db.system`, else a driver's error class or code. */
function storeOf(e: Evidence): Store | undefined {
  const system = e.dbSystem?.toLowerCase();
  if (system === 'mysql' || system === 'mariadb') return 'mysql';
  if (system === 'redis') return 'redis';
  if (system === 'mongodb') return 'mongodb';
  if (e.exceptionType?.startsWith('Mongo')) return 'mongodb';
  if (e.dbErrorCode && /^(?:ER_|PROTOCOL_|POOL_)/.test(e.dbErrorCode)) return 'mysql';
  return undefined;
}

/** The steps per cause and client family; `{code}` stands for the evidence's driver code. */
const STEPS: Partial<Record<Cause, Partial<Record<Store, string[]>>>> = {
  db_timeout: {
    mysql: [
      'Run EXPLAIN ANALYZE on the query in the evidence and look for full scans or missing indexes.',
      'For a lock wait (1205), find the transaction holding the row: information_schema.innodb_trx and SHOW ENGINE INNODB STATUS at the time of the failure.',
      "Compare max_statement_time (MariaDB) / max_execution_time (MySQL) and innodb_lock_wait_timeout with the request's time budget.",
      'Keep transactions short and move batch work off the request path.',
    ],
    redis: [
      'BUSY: a Lua script or function ran past busy-reply-threshold and blocks every client; find it (SCRIPT KILL / FUNCTION KILL stop it) and make it yield or do less.',
      'Command timeouts: read SLOWLOG GET for slow commands (KEYS, big SMEMBERS/HGETALL, large sorted-set ranges) and blocking calls on the same connection.',
      'Compare the client commandTimeout with the slowest command the request makes.',
    ],
  },
  db_error: {
    mysql: [
      'Read the error code{code}: ER_PARSE_ERROR is a syntax error, ER_NO_SUCH_TABLE / ER_BAD_FIELD_ERROR a schema the code does not expect, ER_DUP_ENTRY a violated unique key, ER_LOCK_DEADLOCK a deadlock victim (retry the whole transaction).',
      'Check that migrations ran in this environment and that the service points at the right database.',
      'Run the query text from the evidence against the same database to reproduce it.',
    ],
    redis: [
      'The server rejected the command: WRONGTYPE means the key holds another type than the code expects (a key name shared by two features), ERR unknown command a command this server version or its ACL does not allow.',
      'Check the Redis server version and ACLs against what the client library sends.',
      'Inspect the key named in the command (TYPE key) in the same database.',
    ],
  },
  upstream_unreachable: {
    mysql: [
      "Too many connections (1040): add up every instance's pool size and compare it with max_connections; lower the pools or raise the limit, and look for connections never released.",
      'ECONNREFUSED / lost connections: is the database running and listening on the host and port in the connection settings? Check its error log for restarts.',
      'Retry connection errors with backoff and keep pools small so a restart does not exhaust the server.',
    ],
    redis: [
      'The client could not reach Redis or lost the connection (refused, closed, or retries per request used up while reconnecting): is the server up on the host and port the service uses, and under maxclients?',
      'Check the Redis log for restarts, OOM kills or CLIENT KILL, and the network path (proxy, TLS) between the service and Redis.',
      'Decide what a cache outage should do: fail fast (enableOfflineQueue: false, maxRetriesPerRequest) and fall back, instead of queueing requests.',
    ],
    mongodb: [
      'Server selection failed or the connection dropped: check the connection string (hosts, replicaSet, directConnection, TLS) and that the servers are up and reachable from the service.',
      "Read the reason in the error: ECONNREFUSED means nothing listens there, 'connection N to host closed' a peer or proxy that drops connections.",
      'Compare serverSelectionTimeoutMS with the request budget so an outage fails fast.',
    ],
  },
};

/**
 * Next steps for a failure of a MySQL/MariaDB, Redis or MongoDB client, or undefined when the
 * evidence is about another system (the general steps then apply).
 */
export function storeStepsFor(cause: Cause, evidence: Evidence): string[] | undefined {
  const store = storeOf(evidence);
  const steps = store ? STEPS[cause]?.[store] : undefined;
  const code = evidence.dbErrorCode ? ` ${evidence.dbErrorCode}` : '';
  return steps?.map((step) => step.replace('{code}', code));
}
