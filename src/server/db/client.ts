import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';

/** The pool-backed handle: reads outside a transaction. */
export type Database = NodePgDatabase & { $client: pg.Pool };
/** A handle bound to one connection inside BEGIN … COMMIT. Every write takes one. */
export type Tx = NodePgDatabase & { $client: pg.PoolClient };
/** Either: for reads that may run inside or outside a transaction. */
export type Queryable = Database | Tx;

const casing = 'snake_case';

// Timestamps come back as Date and bigint counts as numbers where they fit.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createDatabase(connection: pg.PoolConfig): Database {
  const pool = new pg.Pool({ max: 10, ...connection });
  // An idle connection closed by the server (shutdown, restart, pg_terminate_backend) is dropped by the
  // pool and replaced on next use; unheard, its 'error' event would crash the process.
  pool.on('error', () => {});
  return drizzle(pool, { casing }) as Database;
}

/**
 * One Drizzle handle per pooled connection, kept while the pool keeps the connection: a prepared
 * query built on it (`preparedQuery`) is built once per connection, not once per transaction.
 */
const handles = new WeakMap<pg.PoolClient, Tx>();

function handleOf(client: pg.PoolClient): Tx {
  let tx = handles.get(client);
  if (!tx) {
    tx = drizzle(client, { casing }) as Tx;
    handles.set(client, tx);
  }
  return tx;
}

/** Runs `fn` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await db.$client.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(handleOf(client));
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

interface Preparable<R> {
  prepare(name: string): { execute(values?: Record<string, unknown>): Promise<R> };
}

/**
 * A hot-path query built once per handle and prepared under `name` (its variable parts are
 * `sql.placeholder`s): Drizzle does not rebuild its SQL on each call, and each connection parses
 * and plans it once. On the pool's handle it is built once per process; in a transaction, once per
 * pooled connection (`inTransaction` keeps one handle per connection).
 */
export function preparedQuery<R>(name: string, build: (db: Queryable) => Preparable<R>) {
  const built = new WeakMap<Queryable, ReturnType<Preparable<R>['prepare']>>();
  return (db: Queryable, values: Record<string, unknown>): Promise<R> => {
    let query = built.get(db);
    if (!query) {
      query = build(db).prepare(name);
      built.set(db, query);
    }
    return query.execute(values);
  };
}
