import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { type BundledPostgres, startBundledPostgres } from '../src/server/db/bundled-postgres.js';
import { createDatabase } from '../src/server/db/client.js';
import { migrateDatabase } from '../src/server/db/migrate.js';
import { allJobs } from '../src/server/jobs/definitions.js';
import { createBoss, createQueues } from '../src/server/jobs/queue.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminConnection: pg.ClientConfig;
    templateDatabase: string;
    databaseMode: 'bundled' | 'external';
  }
}

/**
 * Starts the bundled PostgreSQL (or uses TEST_DATABASE_URL) and migrates a template database once;
 * every test file clones its own database from it (tests/helpers/app.ts).
 */
export default async function setup(project: TestProject) {
  let bundled: BundledPostgres | null = null;
  let dataDir: string | null = null;
  let adminConnection: pg.ClientConfig;
  if (process.env.TEST_DATABASE_URL) {
    adminConnection = { connectionString: process.env.TEST_DATABASE_URL };
  } else {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-test-'));
    bundled = await startBundledPostgres(dataDir);
    adminConnection = bundled.connection;
  }
  const template = `clearline_tpl_${process.pid}`;
  const admin = new pg.Client(adminConnection);
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const db = createDatabase(withDatabase(adminConnection, template));
  await migrateDatabase(db);
  await createQueues(createBoss(db), allJobs);
  await db.$client.end();

  project.provide('adminConnection', adminConnection);
  project.provide('templateDatabase', template);
  project.provide('databaseMode', bundled ? 'bundled' : 'external');

  return async () => {
    const leftovers = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'clearline_t_${process.pid}_%' OR datname = $1`,
      [template],
    );
    for (const { datname } of leftovers.rows)
      await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    await bundled?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };
}

/** The same server, another database. */
export function withDatabase(connection: pg.ClientConfig, database: string): pg.ClientConfig {
  if (!connection.connectionString) return { ...connection, database };
  const url = new URL(connection.connectionString);
  url.pathname = `/${database}`;
  return { connectionString: url.toString() };
}
