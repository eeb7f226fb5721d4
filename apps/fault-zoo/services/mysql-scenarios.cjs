// MariaDB failures through mysql2, mysql and knex (over mysql2), and PostgreSQL's through knex over pg. Clients are created lazily per route
// so a route about a refused connection does not need the server, and each pool's limits are its own.
const mysql2 = require('mysql2/promise');
const mysql = require('mysql');
const knexFactory = require('knex');

const url = () => process.env.MYSQL_URL;
const closedUrl = () => `mysql://root@127.0.0.1:${process.env.CLOSED_PORT}/faultline`;

let sharedPool;
/** The service's everyday mysql2 pool. */
function pool() {
  sharedPool ??= mysql2.createPool({ uri: url(), connectionLimit: 4 });
  return sharedPool;
}

/** Runs `fn` with a connection of its own and always releases it. */
async function withConnection(fn) {
  const connection = await mysql2.createConnection({ uri: url() });
  try {
    return await fn(connection);
  } finally {
    connection.destroy();
  }
}

/** Holds a row lock in one transaction while `waiter` tries to take it. */
async function underRowLock(waiter) {
  await pool().query('CREATE TABLE IF NOT EXISTS zoo_rows (id INT PRIMARY KEY, n INT) ENGINE=InnoDB');
  await pool().query('INSERT IGNORE INTO zoo_rows VALUES (1, 0), (2, 0)');
  return withConnection(async (holder) => {
    await holder.query('START TRANSACTION');
    await holder.query('SELECT * FROM zoo_rows WHERE id = 1 FOR UPDATE');
    try {
      return await waiter();
    } finally {
      await holder.query('ROLLBACK');
    }
  });
}

function mysqlV2Query(options, sql) {
  const connection = mysql.createConnection(options);
  return new Promise((resolve, reject) => {
    connection.query(sql, (error, rows) => {
      connection.destroy();
      if (error) reject(error);
      else resolve(rows);
    });
  });
}

/** Sends `count` queries at once through a mysql (v2) pool of one connection and a queue of one. */
async function mysqlV2PoolOverflow(count) {
  const tinyPool = mysql.createPool({ ...parse(url()), connectionLimit: 1, queueLimit: 1 });
  const query = () =>
    new Promise((resolve, reject) =>
      tinyPool.query('SELECT SLEEP(0.2)', (error, rows) => (error ? reject(error) : resolve(rows))),
    );
  try {
    await Promise.all(Array.from({ length: count }, query));
  } finally {
    tinyPool.end(() => {});
  }
}

function parse(raw) {
  const u = new URL(raw);
  return { host: u.hostname, port: Number(u.port), user: u.username, database: u.pathname.slice(1) };
}

function knexOver(uri, pool = { min: 0, max: 2 }, acquireConnectionTimeout = 60_000) {
  return knexFactory({ client: 'mysql2', connection: uri, pool, acquireConnectionTimeout });
}

/** Routes, by path. */
const mysqlScenarios = {
  // MariaDB's max_statement_time: errno 1969, SQLSTATE 70100, and no `code` from mysql2.
  '/mysql2/statement-timeout': async () => {
    await pool().query('SET STATEMENT max_statement_time=0.1 FOR SELECT SLEEP(2) FROM seq_1_to_3');
  },
  '/mysql2/syntax': async () => {
    await pool().query('SELEC 1');
  },
  '/mysql2/lock-wait': () =>
    underRowLock(() =>
      withConnection(async (waiter) => {
        await waiter.query('SET SESSION innodb_lock_wait_timeout = 1');
        await waiter.query('UPDATE zoo_rows SET n = n + 1 WHERE id = 1');
      }),
    ),
  '/mysql2/deadlock': async () => {
    await pool().query('CREATE TABLE IF NOT EXISTS zoo_rows (id INT PRIMARY KEY, n INT) ENGINE=InnoDB');
    await pool().query('INSERT IGNORE INTO zoo_rows VALUES (1, 0), (2, 0)');
    await withConnection((a) =>
      withConnection(async (b) => {
        await a.query('START TRANSACTION');
        await b.query('START TRANSACTION');
        await a.query('UPDATE zoo_rows SET n = n + 1 WHERE id = 1');
        await b.query('UPDATE zoo_rows SET n = n + 1 WHERE id = 2');
        // Each now waits for the other's row: InnoDB picks a victim at once (1213).
        const first = a.query('UPDATE zoo_rows SET n = n + 1 WHERE id = 2');
        const second = b.query('UPDATE zoo_rows SET n = n + 1 WHERE id = 1');
        const outcomes = await Promise.allSettled([first, second]);
        await Promise.allSettled([a.query('ROLLBACK'), b.query('ROLLBACK')]);
        const failed = outcomes.find((o) => o.status === 'rejected');
        if (failed) throw failed.reason;
      }),
    );
  },
  // The test lowers max_connections; each route call opens connections until the server says 1040.
  '/mysql2/too-many-connections': async () => {
    const opened = [];
    try {
      for (let i = 0; i < 20; i++) opened.push(await mysql2.createConnection({ uri: url() }));
    } finally {
      for (const c of opened) c.destroy();
    }
  },
  // A pool of one connection with a queue of one: the third concurrent query is refused at once.
  '/mysql2/pool-queue': async () => {
    const tiny = mysql2.createPool({ uri: url(), connectionLimit: 1, queueLimit: 1 });
    try {
      await Promise.all([1, 2, 3].map(() => tiny.query('SELECT SLEEP(0.2)')));
    } finally {
      await tiny.end();
    }
  },
  '/mysql2/refused': async () => {
    const down = mysql2.createPool({ uri: closedUrl(), connectionLimit: 1 });
    try {
      await down.query('SELECT 1');
    } finally {
      await down.end();
    }
  },
  // The network path to the database drops while the query runs (a proxy cuts it): connection lost.
  '/mysql2/connection-lost': () =>
    mysql2.createConnection({ uri: process.env.CUT_MYSQL_URL }).then(async (connection) => {
      try {
        await connection.query('SELECT SLEEP(1)');
      } finally {
        connection.destroy();
      }
    }),
  '/mysql/connection-lost': async () => {
    await mysqlV2Query(parse(process.env.CUT_MYSQL_URL), 'SELECT SLEEP(1)');
  },
  '/mysql/statement-timeout': async () => {
    await mysqlV2Query(
      parse(url()),
      'SET STATEMENT max_statement_time=0.1 FOR SELECT SLEEP(2) FROM seq_1_to_3',
    );
  },
  '/mysql/syntax': async () => {
    await mysqlV2Query(parse(url()), 'SELEC 1');
  },
  '/mysql/refused': async () => {
    await mysqlV2Query(parse(closedUrl()), 'SELECT 1');
  },
  '/mysql/pool-queue': () => mysqlV2PoolOverflow(3),
  '/knex/statement-timeout': async () => {
    const knex = knexOver(url());
    try {
      await knex.raw('SET STATEMENT max_statement_time=0.1 FOR SELECT SLEEP(2) FROM seq_1_to_3');
    } finally {
      await knex.destroy();
    }
  },
  '/knex/syntax': async () => {
    const knex = knexOver(url());
    try {
      await knex('no_such_table').select('*');
    } finally {
      await knex.destroy();
    }
  },
  // knex over pg: statement_timeout (57014) in a transaction, and a missing relation (42P01).
  '/knex-pg/statement-timeout': async () => {
    const knex = knexFactory({ client: 'pg', connection: process.env.PG_URL, pool: { min: 0, max: 2 } });
    try {
      await knex.transaction(async (trx) => {
        await trx.raw("SET LOCAL statement_timeout = '100ms'");
        await trx.raw('SELECT pg_sleep(2)');
      });
    } finally {
      await knex.destroy();
    }
  },
  '/knex-pg/missing-table': async () => {
    const knex = knexFactory({ client: 'pg', connection: process.env.PG_URL, pool: { min: 0, max: 2 } });
    try {
      await knex('no_such_table').select('*');
    } finally {
      await knex.destroy();
    }
  },
  '/knex/pool-timeout': async () => {
    const knex = knexOver(url(), { min: 0, max: 1 }, 200);
    try {
      await Promise.all([knex.raw('SELECT SLEEP(0.6)'), knex.raw('SELECT 1')]);
    } finally {
      await knex.destroy();
    }
  },
};

module.exports = { mysqlScenarios, pool };
