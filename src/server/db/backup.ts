import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Database } from './client.js';
import { migrationsFolder } from './migrate.js';

/**
 * A logical backup written by Clearline itself, so it works on the bundled PostgreSQL (whose package
 * ships no pg_dump) and on any external one alike. The file is text: a header line (JSON: the
 * migration level and the tables in foreign-key order), then per table a line naming its columns,
 * its rows in COPY text format and `\.`, then a trailer line with the row counts. Every table is
 * read in one REPEATABLE READ transaction, so the file is one consistent snapshot.
 *
 * pg-boss's schema (the job queue) is left out: jobs are derived from the tables (deliveries are
 * requeued from their rows, scheduled closures from their tickets) and rebuilt after a restore.
 */
const FORMAT = 'clearline-backup/1';

interface Header {
  format: string;
  migration: string;
  createdAt: string;
  tables: string[];
}
interface Trailer {
  rows: Record<string, number>;
}

interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}
const readJournal = (folder: string): { entries: JournalEntry[] } =>
  JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8'));
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The public schema's tables, parents before the tables whose foreign keys point at them. */
async function tablesInDependencyOrder(client: pg.PoolClient) {
  const tables = await client.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class
      WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' AND relname <> '__drizzle_migrations'
      ORDER BY relname`,
  );
  const edges = await client.query<{ child: string; parent: string }>(
    `SELECT conrelid::regclass::text AS child, confrelid::regclass::text AS parent FROM pg_constraint
      WHERE contype = 'f' AND connamespace = 'public'::regnamespace AND conrelid <> confrelid`,
  );
  const pending = new Map(tables.rows.map((t) => [t.name, new Set<string>()]));
  for (const { child, parent } of edges.rows) pending.get(child)?.add(parent);
  const order: string[] = [];
  while (pending.size) {
    const ready = [...pending].filter(([, parents]) => [...parents].every((p) => !pending.has(p)));
    if (!ready.length) throw new Error(`Foreign keys form a cycle among: ${[...pending.keys()].join(', ')}`);
    for (const [name] of ready) {
      order.push(name);
      pending.delete(name);
    }
  }
  return order;
}

async function columnsOf(client: pg.PoolClient, table: string) {
  const result = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [quote(table)],
  );
  return result.rows.map((r) => r.name);
}

/** The last migration applied, by the journal's timestamp drizzle records with it. */
async function migrationLevel(client: pg.PoolClient) {
  const result = await client.query<{ created_at: string }>(
    'SELECT created_at FROM public.__drizzle_migrations ORDER BY created_at DESC LIMIT 1',
  );
  const when = Number(result.rows[0]?.created_at);
  const entry = readJournal(migrationsFolder).entries.find((e) => e.when === when);
  if (!entry) throw new Error('The database is not at a migration level this Clearline knows.');
  return entry.tag;
}

const writeLine = (out: fs.WriteStream, line: string) =>
  new Promise<void>((resolve, reject) => out.write(`${line}\n`, (err) => (err ? reject(err) : resolve())));

/** Writes the whole database (public schema) to `file`; returns the row count per table. */
export async function backupDatabase(db: Database, file: string) {
  const client = await db.$client.connect();
  const partial = `${file}.partial`;
  const out = fs.createWriteStream(partial, { mode: 0o600 });
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await tablesInDependencyOrder(client);
    const header: Header = {
      format: FORMAT,
      migration: await migrationLevel(client),
      createdAt: new Date().toISOString(),
      tables,
    };
    await writeLine(out, JSON.stringify(header));
    const trailer: Trailer = { rows: {} };
    for (const table of tables) {
      const columns = await columnsOf(client, table);
      await writeLine(out, JSON.stringify({ table, columns }));
      const copy = client.query(copyTo(`COPY ${quote(table)} (${columns.map(quote).join(', ')}) TO STDOUT`));
      for await (const chunk of copy) if (!out.write(chunk)) await once(out, 'drain');
      trailer.rows[table] = copy.rowCount;
      await writeLine(out, '\\.');
    }
    await writeLine(out, JSON.stringify(trailer));
    await client.query('COMMIT');
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
    // Only a complete file takes the name: an interrupted backup never passes for a good one.
    fs.renameSync(partial, file);
    return trailer.rows;
  } catch (err) {
    out.destroy();
    fs.rmSync(partial, { force: true });
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Applies the migrations up to and including `tag`: the schema the backup was taken at. */
async function migrateTo(db: Database, tag: string) {
  const journal = readJournal(migrationsFolder);
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  if (cut < 0) throw new Error(`The backup is at migration ${tag}, which this Clearline does not know.`);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'clearline-restore-'));
  try {
    fs.cpSync(migrationsFolder, folder, { recursive: true });
    journal.entries = journal.entries.slice(0, cut + 1);
    fs.writeFileSync(path.join(folder, 'meta/_journal.json'), JSON.stringify(journal));
    await migrate(db, { migrationsFolder: folder, migrationsSchema: 'public' });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/** Sets every serial column's sequence past the largest restored value. */
async function resetSequences(client: pg.PoolClient) {
  const serials = await client.query<{ table: string; column: string; sequence: string }>(
    `SELECT c.relname AS table, a.attname AS column, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS sequence
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
  );
  for (const s of serials.rows) {
    await client.query(
      `SELECT setval($1, coalesce((SELECT max(${quote(s.column)}) FROM ${quote(s.table)}), 1),
                     (SELECT max(${quote(s.column)}) FROM ${quote(s.table)}) IS NOT NULL)`,
      [s.sequence],
    );
  }
}

export class RestoreRefused extends Error {}

/**
 * Loads a backup into an EMPTY database: migrates it to the backup's level, copies every table in
 * foreign-key order in one transaction (all or nothing; a truncated file is refused before commit)
 * and resets the sequences. The caller then migrates to the current level as on any start.
 */
export async function restoreDatabase(db: Database, file: string) {
  const existing = await db.$client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
  );
  if (existing.rows[0]?.n) {
    throw new RestoreRefused(
      'The database is not empty: restore only into a new, empty database (or a new DATA_DIR).',
    );
  }
  const lines = readline.createInterface({
    input: fs.createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await iterator.next();
    if (done) throw new RestoreRefused(`${file} ends early: it is not a complete backup.`);
    return value as string;
  };
  const header = JSON.parse(await next()) as Header;
  if (header.format !== FORMAT) throw new RestoreRefused(`${file} is not a Clearline backup.`);
  await migrateTo(db, header.migration);
  const client = await db.$client.connect();
  const restored: Record<string, number> = {};
  try {
    await client.query('BEGIN');
    for (const expected of header.tables) {
      const { table, columns } = JSON.parse(await next()) as { table: string; columns: string[] };
      if (table !== expected)
        throw new RestoreRefused(`${file} is damaged: ${expected} expected, ${table} found.`);
      // The rows are restored as they were, derived ones too: triggers that derive rows (the CSAT
      // roll-up) would count them twice.
      await client.query(`ALTER TABLE ${quote(table)} DISABLE TRIGGER USER`);
      const copy = client.query(
        copyFrom(`COPY ${quote(table)} (${columns.map(quote).join(', ')}) FROM STDIN`),
      );
      const done = new Promise<void>((resolve, reject) => copy.on('finish', resolve).on('error', reject));
      try {
        for (let line = await next(); line !== '\\.'; line = await next()) {
          if (!copy.write(`${line}\n`)) await new Promise((resolve) => copy.once('drain', resolve));
        }
      } catch (err) {
        // Ends the COPY with a CopyFail: until it ends, the connection takes no ROLLBACK.
        copy.destroy(err as Error);
        await done.catch(() => {});
        throw err;
      }
      copy.end();
      await done;
      await client.query(`ALTER TABLE ${quote(table)} ENABLE TRIGGER USER`);
      restored[table] = copy.rowCount;
    }
    const trailer = JSON.parse(await next()) as Trailer;
    for (const table of header.tables) {
      if (trailer.rows[table] !== restored[table]) {
        throw new RestoreRefused(
          `${file} is damaged: ${table} has ${restored[table]} rows, ${trailer.rows[table]} expected.`,
        );
      }
    }
    await resetSequences(client);
    await client.query('COMMIT');
    return restored;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
    lines.close();
  }
}
