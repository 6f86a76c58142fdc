import { sql } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import PgBoss from 'pg-boss';
import { fromPackageRoot } from '../lib/package-root.js';
import type { Database } from './client.js';

export const migrationsFolder = fromPackageRoot('src/server/db/migrations');
/** Any constant: it serialises migrations when several instances start at once. */
const MIGRATION_LOCK = 7_240_117;

/** Applies the committed SQL migrations and installs or upgrades pg-boss's schema. */
export async function migrateDatabase(db: Database): Promise<void> {
  const client = await db.$client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(db, { migrationsFolder, migrationsSchema: 'public' });
    const boss = new PgBoss({
      db: { executeSql: (text, values) => db.$client.query(text, values) },
      supervise: false,
      schedule: false,
    });
    await boss.start();
    await boss.stop({ graceful: false, wait: true });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

export async function isExternalDatabaseTooOld(db: Database): Promise<string | null> {
  const result = await db.execute<{ server_version_num: string }>(sql`SHOW server_version_num`);
  const version = Number(result.rows[0]?.server_version_num ?? 0);
  return version < 140000 ? `PostgreSQL 14 or newer is required; this server is ${version}.` : null;
}
